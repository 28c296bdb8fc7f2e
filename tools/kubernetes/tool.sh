# kubernetes: kube-apiserver, kube-controller-manager, kube-scheduler and kubectl for the
# simulated local clusters (knstack/cluster; sourced by scripts/bootstrap-tools.sh). The version
# is stamped with ldflags as Kubernetes' own build does (hack/lib/version.sh), so `kubectl
# version` and the API server's /version report it.
tool_groups="cluster tests"

tool_build() {
  local ver minor ldflags k bin pkg
  ver="$(modver kubernetes k8s.io/kubernetes)"
  [ -n "$ver" ] || die "could not read the k8s.io/kubernetes version from tools/kubernetes/go.mod"
  minor="$(echo "$ver" | cut -d. -f2)"
  ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$ver -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  k="$(key kubernetes "$ver" "ldflags=$ldflags")"
  if ! stamp_ok kubernetes "$k" || [ ! -x "$bin_dir/kube-apiserver" ] || [ ! -x "$bin_dir/kubectl" ]; then
    # One at a time: each links most of Kubernetes and a parallel build would not fit 2 cores
    # better than a serial one.
    for bin in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
      build kubernetes "$k" "$bin" "k8s.io/kubernetes/cmd/$bin" "$ldflags"
    done
    echo "$k" > "$stamp_dir/kubernetes"
  fi
}
