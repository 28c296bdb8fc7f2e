# The Pulumi CLI and the runner of Python CrossGuard packs (sourced by scripts/bootstrap-tools.sh).
#   .tools/bin/pulumi                          Pulumi CLI (github.com/pulumi/pulumi/pkg/v3)
#   .tools/bin/pulumi-analyzer-policy-python   runner of Python policy packs (from sdk/v3)
tool_groups="pulumi tests"

tool_build() {
  local ver sdk_ver py_pin k sdk_dir runner
  ver="$(modver pulumi github.com/pulumi/pulumi/pkg/v3)"
  sdk_ver="$(modver pulumi github.com/pulumi/pulumi/sdk/v3)"
  [ -n "$ver" ] && [ -n "$sdk_ver" ] || die "could not read the Pulumi versions from tools/pulumi/go.mod"
  py_pin="$(sed -n 's/^[[:space:]]*"pulumi==\([^"]*\)".*/\1/p' pyproject.toml)"
  if [ -n "$py_pin" ] && [ "v$py_pin" != "$ver" ]; then
    log "warning: pyproject.toml pins pulumi==$py_pin but tools/pulumi builds the CLI $ver"
  fi
  if system_pulumi; then
    log "KNSTACK_USE_SYSTEM_PULUMI=1: using $(command -v pulumi), not building the Pulumi CLI and Python host"
    return 0
  fi
  k="$(key pulumi "$ver")"
  if ! stamp_ok pulumi "$k" || [ ! -x "$bin_dir/pulumi" ]; then
    build pulumi "$k" pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
      "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$ver"
    echo "$k" > "$stamp_dir/pulumi"
  fi

  # `pulumi preview --policy-pack DIR` starts a Python pack through the analyzer plugin
  # pulumi-analyzer-policy-python (a shell script the engine looks for on PATH or next to
  # pulumi; it honours the pack's `virtualenv` option). It ships in the sdk/v3 module.
  k="$(key pulumi-analyzer-policy-python "from=sdk/v3@$sdk_ver")"
  if ! stamp_ok pulumi-analyzer-policy-python "$k" || [ ! -x "$bin_dir/pulumi-analyzer-policy-python" ]; then
    sdk_dir="$(moddir pulumi "github.com/pulumi/pulumi/sdk/v3@$sdk_ver")"
    runner="$sdk_dir/python/dist/pulumi-analyzer-policy-python"
    [ -f "$runner" ] || die "pulumi-analyzer-policy-python not found in $sdk_dir"
    install -m 0755 "$runner" "$bin_dir/pulumi-analyzer-policy-python"
    echo "$k" > "$stamp_dir/pulumi-analyzer-policy-python"
  fi
}
