# etcd: the store of the simulated local clusters' API servers (knstack/cluster; sourced by
# scripts/bootstrap-tools.sh). Built from tools/etcd/main.go, which calls etcd's entry point.
tool_groups="cluster tests"

tool_build() {
  local ver k
  ver="$(modver etcd go.etcd.io/etcd/server/v3)"
  [ -n "$ver" ] || die "could not read the etcd version from tools/etcd/go.mod"
  k="$(key etcd "$ver")"
  if ! stamp_ok etcd "$k" || [ ! -x "$bin_dir/etcd" ]; then
    build etcd "$k" etcd . ""
    echo "$k" > "$stamp_dir/etcd"
  fi
}
