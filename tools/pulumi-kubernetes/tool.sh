# The Pulumi Kubernetes resource plugin, installed into .tools/pulumi-home (sourced by
# scripts/bootstrap-tools.sh; sorts after tools/pulumi, whose CLI installs the plugin).
tool_groups="pulumi tests"

# Version label of the kubernetes plugin: it must equal the pulumi-kubernetes pin in
# pyproject.toml, because the Python SDK asks the engine for exactly its own version.
# tools/pulumi-kubernetes builds provider/v4 at a pre-4.25.0 commit of 2026-01-15 (the only
# provider/v4 pseudo-version the Go proxy serves here); see tools/pulumi-kubernetes/go.mod.
K8S_PLUGIN_VERSION=4.25.0

tool_build() {
  local mod_ver sdk_pin k prov_dir src home_key plugin_dir pulumi_cmd python_bin
  local pulumi_home="$tools_dir/pulumi-home"
  mod_ver="$(modver pulumi-kubernetes github.com/pulumi/pulumi-kubernetes/provider/v4)"
  [ -n "$mod_ver" ] || die "could not read the provider version from tools/pulumi-kubernetes/go.mod"
  sdk_pin="$(sed -n 's/^[[:space:]]*"pulumi-kubernetes==\([^"]*\)".*/\1/p' pyproject.toml)"
  if [ -n "$sdk_pin" ] && [ "$sdk_pin" != "$K8S_PLUGIN_VERSION" ]; then
    die "pyproject.toml pins pulumi-kubernetes==$sdk_pin but K8S_PLUGIN_VERSION=$K8S_PLUGIN_VERSION in tools/pulumi-kubernetes/tool.sh; the SDK would ask the engine for a plugin version that is not installed (and try to download it). Update both together."
  fi

  k="$(key pulumi-kubernetes "$mod_ver" "label=$K8S_PLUGIN_VERSION")"
  if ! stamp_ok pulumi-kubernetes "$k" || [ ! -x "$bin_dir/pulumi-resource-kubernetes" ]; then
    # The provider's schema.json (~7 MB) and terraform-mapping.json ship in the module zip but
    # are not committed here: copy them next to tools/pulumi-kubernetes/main.go, which embeds
    # them, and stamp the schema's version like upstream's generate.go does.
    if [ "$cache_root" = "off" ] || [ ! -x "$cache_root/pulumi-kubernetes-$k/pulumi-resource-kubernetes" ]; then
      prov_dir="$(moddir pulumi-kubernetes "github.com/pulumi/pulumi-kubernetes/provider/v4@$mod_ver")"
      src="$prov_dir/cmd/pulumi-resource-kubernetes"
      [ -f "$src/schema.json" ] && [ -f "$src/terraform-mapping.json" ] \
        || die "schema.json/terraform-mapping.json not found in $src"
      install -m 0644 "$src/terraform-mapping.json" tools/pulumi-kubernetes/terraform-mapping.json
      python_bin="${PYTHON:-python3}"
      "$python_bin" - "$src/schema.json" tools/pulumi-kubernetes/schema.json "$K8S_PLUGIN_VERSION" <<'PY' \
        || die "could not prepare the kubernetes provider schema"
import json, sys
src, dst, version = sys.argv[1:]
with open(src, encoding="utf-8") as f:
    spec = json.load(f)
spec["version"] = version
with open(dst, "w", encoding="utf-8") as f:
    json.dump(spec, f, separators=(",", ":"))
PY
    fi
    build pulumi-kubernetes "$k" pulumi-resource-kubernetes knstack.local/tools/pulumi-kubernetes \
      "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PLUGIN_VERSION"
    echo "$k" > "$stamp_dir/pulumi-kubernetes"
    rm -f "$stamp_dir/pulumi-home"   # reinstall the plugin below
  fi

  # PULUMI_HOME with the kubernetes plugin installed under the version the SDK asks for.
  home_key="$mod_ver $K8S_PLUGIN_VERSION $(cat "$stamp_dir/pulumi-kubernetes")"
  plugin_dir="$pulumi_home/plugins/resource-kubernetes-v$K8S_PLUGIN_VERSION"
  if ! stamp_ok pulumi-home "$home_key" || [ ! -x "$plugin_dir/pulumi-resource-kubernetes" ]; then
    if system_pulumi; then pulumi_cmd="$(command -v pulumi)"; else pulumi_cmd="$bin_dir/pulumi"; fi
    [ -x "$pulumi_cmd" ] || die "the kubernetes plugin is installed with the Pulumi CLI, which is missing (build the 'pulumi' group)"
    log "installing kubernetes plugin v$K8S_PLUGIN_VERSION into $pulumi_home"
    rm -rf "$plugin_dir" "$plugin_dir.lock" "$plugin_dir.partial"
    PULUMI_HOME="$pulumi_home" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
      "$pulumi_cmd" plugin install resource kubernetes "$K8S_PLUGIN_VERSION" \
      --file "$bin_dir/pulumi-resource-kubernetes" --non-interactive >&2 \
      || die "installing the kubernetes plugin into $pulumi_home failed"
    echo "$home_key" > "$stamp_dir/pulumi-home"
  fi
}
