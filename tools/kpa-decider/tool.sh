# kpa-decider: Knative Serving's own autoscaler decider (knative.dev/serving
# pkg/autoscaler/scaling) behind a JSON-lines driver, for the differential test of
# knstack's KPA model (tests/simulate/test_kpa_oracle.py). Sourced by scripts/bootstrap-tools.sh.
tool_groups="tests"

tool_build() {
  local ver k
  ver="$(modver kpa-decider knative.dev/serving)"
  [ -n "$ver" ] || die "could not read the knative.dev/serving version from tools/kpa-decider/go.mod"
  k="$(key kpa-decider "$ver")"
  if ! stamp_ok kpa-decider "$k" || [ ! -x "$bin_dir/kpa-decider" ]; then
    build kpa-decider "$k" kpa-decider .
    echo "$k" > "$stamp_dir/kpa-decider"
  fi
}
