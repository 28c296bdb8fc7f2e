# prometheus: the metrics server the canary-analysis tests start on 127.0.0.1 and query
# (sourced by scripts/bootstrap-tools.sh). Built without the web UI assets (the
# `builtinassets` tag is off), which the HTTP query API does not need, and without the
# service-discovery plugins (upstream's `remove_all_sd` tag, see plugins/plugin_*.go in the
# module): the tests scrape static targets, and the cloud SDKs the plugins pull in (AWS,
# Azure, GCE, ...) would make most of the build time.
tool_groups="tests analysis"
PROMETHEUS_TAGS="remove_all_sd"

tool_build() {
  local ver k
  ver="$(modver prometheus github.com/prometheus/prometheus)"
  [ -n "$ver" ] || die "could not read the prometheus version from tools/prometheus/go.mod"
  k="$(key prometheus "$ver" "ldflags=-X github.com/prometheus/common/version.Version" "tags=$PROMETHEUS_TAGS")"
  if ! stamp_ok prometheus "$k" || [ ! -x "$bin_dir/prometheus" ]; then
    GOFLAGS="$GOFLAGS -tags=$PROMETHEUS_TAGS" build prometheus "$k" prometheus \
      github.com/prometheus/prometheus/cmd/prometheus \
      "-X github.com/prometheus/common/version.Version=$ver"
    echo "$k" > "$stamp_dir/prometheus"
  fi
}
