# knative-oracle: Knative Serving's own validation and builders as a judge for the differential
# tests (tests/oracle); our main.go on knative.dev/serving v0.50.0 = Knative 1.23
# (sourced by scripts/bootstrap-tools.sh).
tool_groups="tests"

tool_build() {
  local ver k
  ver="$(modver knative-oracle knative.dev/serving)"
  [ -n "$ver" ] || die "could not read the knative.dev/serving version from tools/knative-oracle/go.mod"
  k="$(key knative-oracle "$ver")"
  if ! stamp_ok knative-oracle "$k" || [ ! -x "$bin_dir/knative-oracle" ]; then
    build knative-oracle "$k" knative-oracle . ""
    echo "$k" > "$stamp_dir/knative-oracle"
  fi
}
