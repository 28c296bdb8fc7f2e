# kwok: simulates the nodes and pods of the local clusters, so pods on a fake node become Running
# and Ready and Deployments Available (knstack/cluster; sourced by scripts/bootstrap-tools.sh).
# The kwok binary has no stages of its own (kwokctl passes them); its "fast" node and pod stages
# and the lease-based node heartbeat ship in the module (kustomize/stage) and are copied, as they are, into
# .tools/kwok-stages/ for knstack/cluster to pass with --config.
tool_groups="cluster tests"
KWOK_STAGES="node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml"

tool_build() {
  local ver k src f
  ver="$(modver kwok sigs.k8s.io/kwok)"
  [ -n "$ver" ] || die "could not read the kwok version from tools/kwok/go.mod"
  k="$(key kwok "$ver" "stages=$KWOK_STAGES")"
  if ! stamp_ok kwok "$k" || [ ! -x "$bin_dir/kwok" ] || [ ! -d "$tools_dir/kwok-stages" ]; then
    build kwok "$k" kwok sigs.k8s.io/kwok/cmd/kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=${ver#v}"
    src="$(moddir kwok "sigs.k8s.io/kwok@$ver")"
    rm -rf "$tools_dir/kwok-stages.tmp" && mkdir -p "$tools_dir/kwok-stages.tmp"
    for f in $KWOK_STAGES; do
      cp "$src/kustomize/stage/$f" "$tools_dir/kwok-stages.tmp/$(basename "$f")"
    done
    chmod u+w "$tools_dir/kwok-stages.tmp"/*.yaml
    rm -rf "$tools_dir/kwok-stages" && mv "$tools_dir/kwok-stages.tmp" "$tools_dir/kwok-stages"
    echo "$k" > "$stamp_dir/kwok"
  fi
}
