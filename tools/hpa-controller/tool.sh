# hpa-controller: the Kubernetes HPA controller's own decision code (k8s.io/kubernetes
# pkg/controller/podautoscaler) behind a JSON-lines driver, for the differential test of
# knstack's HPA model (tests/simulate/test_hpa_oracle.py). Sourced by scripts/bootstrap-tools.sh.
#
# The decision steps (recommendation stabilisation, scaling policies, tolerance) are
# unexported and read the wall clock, so inpackage/simulated_clock.go is added to the package:
# the module is vendored into a scratch directory (Go refuses to add files to the module
# cache), the file is copied into the vendored package, and the vendored tree is built.
tool_groups="tests"

tool_build() {
  local ver k src pkgdir
  ver="$(modver hpa-controller k8s.io/kubernetes)"
  [ -n "$ver" ] || die "could not read the k8s.io/kubernetes version from tools/hpa-controller/go.mod"
  k="$(key hpa-controller "$ver" "$(sha256sum tools/hpa-controller/inpackage/simulated_clock.go)")"
  if stamp_ok hpa-controller "$k" && [ -x "$bin_dir/hpa-controller" ]; then
    return 0
  fi
  src="$tools_dir/.hpa-controller.src.$$"
  if [ -z "$(cached_dir hpa-controller "$k")" ] || [ ! -x "$(cached_dir hpa-controller "$k")/hpa-controller" ]; then
    need_go
    rm -rf "$src"
    mkdir -p "$src"
    cp tools/hpa-controller/go.mod tools/hpa-controller/go.sum tools/hpa-controller/main.go "$src/"
    (cd "$src" && go mod vendor) || die "vendoring k8s.io/kubernetes $ver for hpa-controller failed"
    pkgdir="$src/vendor/k8s.io/kubernetes/pkg/controller/podautoscaler"
    [ -d "$pkgdir" ] || die "k8s.io/kubernetes $ver has no pkg/controller/podautoscaler"
    cp tools/hpa-controller/inpackage/simulated_clock.go "$pkgdir/zz_knstack_simulated_clock.go"
  fi
  GOFLAGS="-mod=vendor -trimpath -buildvcs=false" \
    build hpa-controller "$k" hpa-controller . "" "$src" knstack_hpa_harness
  rm -rf "$src"
  echo "$k" > "$stamp_dir/hpa-controller"
}
