# kubeconform: the manifest validator behind `knstack validate` (sourced by scripts/bootstrap-tools.sh).
tool_groups="validate tests"

tool_build() {
  local ver k
  ver="$(modver kubeconform github.com/yannh/kubeconform)"
  [ -n "$ver" ] || die "could not read the kubeconform version from tools/kubeconform/go.mod"
  k="$(key kubeconform "$ver" "ldflags=-X main.version")"
  if ! stamp_ok kubeconform "$k" || [ ! -x "$bin_dir/kubeconform" ]; then
    build kubeconform "$k" kubeconform github.com/yannh/kubeconform/cmd/kubeconform "-X main.version=$ver"
    echo "$k" > "$stamp_dir/kubeconform"
  fi
}
