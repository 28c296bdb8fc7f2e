# Pulumi's Python language host and its exec shim (sourced by scripts/bootstrap-tools.sh).
tool_groups="pulumi tests"

tool_build() {
  local ver sdk_ver k sdk_dir shim
  system_pulumi && return 0
  ver="$(modver pulumi-language-python github.com/pulumi/pulumi/sdk/v3)"
  sdk_ver="$(modver pulumi github.com/pulumi/pulumi/sdk/v3)"
  [ -n "$ver" ] && [ -n "$sdk_ver" ] || die "could not read the Pulumi SDK versions from tools/*/go.mod"
  # The shim is a Python script; take it from the sdk/v3 module matching the CLI and the
  # pinned Python SDK (the host looks for it next to its own binary).
  k="$(key pulumi-language-python "$ver" "shim-from=sdk/v3@$sdk_ver")"
  if ! stamp_ok pulumi-language-python "$k" || [ ! -x "$bin_dir/pulumi-language-python" ] \
     || [ ! -x "$bin_dir/pulumi-language-python-exec" ]; then
    build pulumi-language-python "$k" pulumi-language-python \
      github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python \
      "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$ver"
    sdk_dir="$(moddir pulumi "github.com/pulumi/pulumi/sdk/v3@$sdk_ver")"
    shim="$sdk_dir/python/cmd/pulumi-language-python-exec"
    [ -f "$shim" ] || die "pulumi-language-python-exec not found in $sdk_dir"
    install -m 0755 "$shim" "$bin_dir/pulumi-language-python-exec"
    echo "$k" > "$stamp_dir/pulumi-language-python"
  fi
}
