# helm: the benchmark's peer renderer, `helm template` (sourced by scripts/bootstrap-tools.sh).
tool_groups="bench"

tool_build() {
  local ver k
  ver="$(modver helm helm.sh/helm/v4)"
  [ -n "$ver" ] || die "could not read the helm version from tools/helm/go.mod"
  k="$(key helm "$ver" "ldflags=-X helm.sh/helm/v4/internal/version.version")"
  if ! stamp_ok helm "$k" || [ ! -x "$bin_dir/helm" ]; then
    build helm "$k" helm helm.sh/helm/v4/cmd/helm "-X helm.sh/helm/v4/internal/version.version=$ver"
    echo "$k" > "$stamp_dir/helm"
  fi
}
