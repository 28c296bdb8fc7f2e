#!/usr/bin/env bash
# Builds knstack's Go-based tools from pinned Go modules into .tools/ (gitignored):
#   .tools/bin/pulumi                       Pulumi CLI                 (tools/pulumi)
#   .tools/bin/pulumi-language-python(+-exec) Python language host + shim (tools/pulumi-language-python)
#   .tools/bin/pulumi-analyzer-policy-python  runner of Python CrossGuard packs (sdk/v3 module)
#   .tools/bin/pulumi-resource-kubernetes   Kubernetes resource plugin (tools/pulumi-kubernetes)
#   .tools/bin/kubeconform                  manifest validator         (tools/kubeconform)
#   .tools/pulumi-home/                     PULUMI_HOME with the kubernetes plugin installed under
#                                           the version the pinned pulumi-kubernetes Python SDK requests
# Every module version and hash is pinned by the wrapper go.mod/go.sum files under tools/.
# Idempotent: a stamp per tool, keyed on everything that goes into its build, makes a re-run a
# no-op. Built binaries are also kept in a per-user cache outside the work tree
# ($KNSTACK_TOOLS_CACHE, default ~/.cache/knstack-tools) so a fresh clone on the same machine
# (as CI does) copies them instead of rebuilding. Go's own module and build caches are the
# defaults (go env GOMODCACHE / GOCACHE) for the same reason: they outlive the clone.
#
# Environment:
#   KNSTACK_USE_SYSTEM_PULUMI=1  use the `pulumi` on PATH (and its language host) instead of
#                                building the CLI and the Python host
#   KNSTACK_TOOLS_CACHE=DIR|off  where built binaries are cached across clones (off: no cache)
#   KNSTACK_TOOLS_FORCE=1        rebuild even when stamps match
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Pinned versions. Go module versions live in tools/*/go.mod (and are read from there); these
# are the values that are not Go module versions.
# Version label of the kubernetes plugin: it must equal the pulumi-kubernetes pin in
# pyproject.toml, because the Python SDK asks the engine for exactly its own version.
# tools/pulumi-kubernetes builds provider/v4 at a pre-4.25.0 commit of 2026-01-15 (the only
# provider/v4 pseudo-version the Go proxy serves here); see tools/pulumi-kubernetes/go.mod.
K8S_PLUGIN_VERSION=4.25.0
# ---------------------------------------------------------------------------------------------

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { echo "bootstrap-tools: $*" >&2; }
die() { echo "bootstrap-tools: ERROR: $*" >&2; exit 1; }

# modver WRAPPER MODULE: the version of MODULE required by tools/WRAPPER/go.mod
modver() {
  awk -v m="$2" '$1 == "require" { $1 = ""; $0 = $0 } $1 == m && $2 ~ /^v/ { print $2; exit }' "tools/$1/go.mod"
}

tools_dir="$root/.tools"
bin_dir="$tools_dir/bin"
stamp_dir="$tools_dir/stamps"
pulumi_home="$tools_dir/pulumi-home"
mkdir -p "$bin_dir" "$stamp_dir"

pulumi_ver="$(modver pulumi github.com/pulumi/pulumi/pkg/v3)"
pulumi_sdk_ver="$(modver pulumi github.com/pulumi/pulumi/sdk/v3)"
pyhost_ver="$(modver pulumi-language-python github.com/pulumi/pulumi/sdk/v3)"
k8s_mod_ver="$(modver pulumi-kubernetes github.com/pulumi/pulumi-kubernetes/provider/v4)"
kubeconform_ver="$(modver kubeconform github.com/yannh/kubeconform)"
for v in pulumi_ver pulumi_sdk_ver pyhost_ver k8s_mod_ver kubeconform_ver; do
  [ -n "${!v}" ] || die "could not read $v from tools/*/go.mod"
done

sdk_pin="$(sed -n 's/^[[:space:]]*"pulumi-kubernetes==\([^"]*\)".*/\1/p' pyproject.toml)"
if [ -n "$sdk_pin" ] && [ "$sdk_pin" != "$K8S_PLUGIN_VERSION" ]; then
  die "pyproject.toml pins pulumi-kubernetes==$sdk_pin but K8S_PLUGIN_VERSION=$K8S_PLUGIN_VERSION in $0; the SDK would ask the engine for a plugin version that is not installed (and try to download it). Update both together."
fi

py_pin="$(sed -n 's/^[[:space:]]*"pulumi==\([^"]*\)".*/\1/p' pyproject.toml)"
if [ -n "$py_pin" ] && [ "v$py_pin" != "$pulumi_ver" ]; then
  log "warning: pyproject.toml pins pulumi==$py_pin but tools/pulumi builds the CLI $pulumi_ver"
fi

use_system_pulumi=0
if [ "${KNSTACK_USE_SYSTEM_PULUMI:-0}" = "1" ]; then
  if command -v pulumi >/dev/null 2>&1; then
    use_system_pulumi=1
    log "KNSTACK_USE_SYSTEM_PULUMI=1: using $(command -v pulumi), not building the Pulumi CLI and Python host"
  else
    log "KNSTACK_USE_SYSTEM_PULUMI=1 but no pulumi on PATH: building it"
  fi
fi

# Reproducible builds: go.sum is read-only, no local paths or VCS stamps in the binaries, no
# cgo (no C toolchain needed; upstream release builds are static too). GOTOOLCHAIN=local: use
# the installed Go (1.26+), never download another toolchain.
export GOFLAGS="-mod=readonly -trimpath -buildvcs=false"
export CGO_ENABLED=0
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
go_id="none"
command -v go >/dev/null 2>&1 && go_id="$(go env GOVERSION GOOS GOARCH | tr '\n' ' ')"
need_go() {
  [ "$go_id" != "none" ] || die "Go 1.26 or newer is required to build the tools (see tools/*/go.mod)"
}

cache_root="${KNSTACK_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/knstack-tools}"

# key TOOL EXTRA...: hash of the tool's wrapper files, build settings and extra strings.
key() {
  local tool="$1"; shift
  {
    echo "tool=$tool go=$go_id"
    echo "flags=-mod=readonly -trimpath -buildvcs=false cgo=0 ldflags=-s-w"
    printf '%s\n' "$@"
    # Only committed wrapper inputs (not the copied schema files, which are derived from go.sum).
    for f in go.mod go.sum main.go; do
      if [ -f "tools/$tool/$f" ]; then sha256sum "tools/$tool/$f"; fi
    done
  } | sha256sum | cut -c1-16
}

stamp_ok() { [ "${KNSTACK_TOOLS_FORCE:-0}" != "1" ] && [ -f "$stamp_dir/$1" ] && [ "$(cat "$stamp_dir/$1")" = "$2" ]; }

# place SRC DEST: hard link (same filesystem) or copy a built binary into .tools/bin.
place() { rm -f "$2"; ln "$1" "$2" 2>/dev/null || cp "$1" "$2"; chmod +x "$2"; }

# build TOOL KEY OUTNAME PKG [LDFLAGS]: go build PKG in tools/TOOL to .tools/bin/OUTNAME, going
# through the per-user binary cache.
build() {
  local tool="$1" k="$2" out="$3" pkg="$4" ldflags="${5:-}"
  local cached=""
  if [ "$cache_root" != "off" ]; then
    cached="$cache_root/$tool-$k/$out"
    if [ -x "$cached" ]; then
      log "$out: using cached build $cached"
      place "$cached" "$bin_dir/$out"
      return 0
    fi
  fi
  local start=$SECONDS
  log "$out: building $pkg (cold builds take minutes)"
  local tmp="$bin_dir/.$out.tmp.$$"
  if ! (cd "tools/$tool" && go build -ldflags "-s -w $ldflags" -o "$tmp" "$pkg"); then
    rm -f "$tmp"
    die "building $out ($pkg in tools/$tool) failed; see the go output above"
  fi
  mv -f "$tmp" "$bin_dir/$out"
  log "$out: built in $((SECONDS - start))s"
  if [ -n "$cached" ]; then
    mkdir -p "$(dirname "$cached")"
    cp "$bin_dir/$out" "$cached.tmp.$$" && mv -f "$cached.tmp.$$" "$cached" || log "$out: could not write cache $cached (ignored)"
  fi
}

# moddir TOOL MODULE@VERSION: directory of a module (downloaded and verified against the
# wrapper's go.sum).
moddir() {
  local dir
  dir="$(cd "tools/$1" && go mod download -json "$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir" ] || die "could not download $2 (for tools/$1)"
  echo "$dir"
}

# --- Pulumi CLI ------------------------------------------------------------------------------
if [ "$use_system_pulumi" = "0" ]; then
  k="$(key pulumi "$pulumi_ver")"
  if ! stamp_ok pulumi "$k" || [ ! -x "$bin_dir/pulumi" ]; then
    need_go
    build pulumi "$k" pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
      "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_ver"
    echo "$k" > "$stamp_dir/pulumi"
  fi

  # --- Python language host + exec shim ------------------------------------------------------
  # The shim is a Python script; take it from the sdk/v3 module matching the CLI and the
  # pinned Python SDK (the host looks for it next to its own binary).
  k="$(key pulumi-language-python "$pyhost_ver" "shim-from=sdk/v3@$pulumi_sdk_ver")"
  if ! stamp_ok pulumi-language-python "$k" || [ ! -x "$bin_dir/pulumi-language-python" ] \
     || [ ! -x "$bin_dir/pulumi-language-python-exec" ]; then
    need_go
    build pulumi-language-python "$k" pulumi-language-python \
      github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python \
      "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pyhost_ver"
    sdk_dir="$(moddir pulumi "github.com/pulumi/pulumi/sdk/v3@$pulumi_sdk_ver")"
    shim="$sdk_dir/python/cmd/pulumi-language-python-exec"
    [ -f "$shim" ] || die "pulumi-language-python-exec not found in $sdk_dir"
    install -m 0755 "$shim" "$bin_dir/pulumi-language-python-exec"
    echo "$k" > "$stamp_dir/pulumi-language-python"
  fi

  # --- CrossGuard runner for Python policy packs -----------------------------------------------
  # `pulumi preview --policy-pack DIR` starts a Python pack through the analyzer plugin
  # pulumi-analyzer-policy-python (a shell script the engine looks for on PATH or next to
  # pulumi; it honours the pack's `virtualenv` option). It ships in the same sdk/v3 module.
  k="$(key pulumi-analyzer-policy-python "from=sdk/v3@$pulumi_sdk_ver")"
  if ! stamp_ok pulumi-analyzer-policy-python "$k" || [ ! -x "$bin_dir/pulumi-analyzer-policy-python" ]; then
    need_go
    sdk_dir="$(moddir pulumi "github.com/pulumi/pulumi/sdk/v3@$pulumi_sdk_ver")"
    runner="$sdk_dir/python/dist/pulumi-analyzer-policy-python"
    [ -f "$runner" ] || die "pulumi-analyzer-policy-python not found in $sdk_dir"
    install -m 0755 "$runner" "$bin_dir/pulumi-analyzer-policy-python"
    echo "$k" > "$stamp_dir/pulumi-analyzer-policy-python"
  fi
fi

# --- Kubernetes resource plugin ----------------------------------------------------------------
k="$(key pulumi-kubernetes "$k8s_mod_ver" "label=$K8S_PLUGIN_VERSION")"
if ! stamp_ok pulumi-kubernetes "$k" || [ ! -x "$bin_dir/pulumi-resource-kubernetes" ]; then
  need_go
  # The provider's schema.json (~7 MB) and terraform-mapping.json ship in the module zip but
  # are not committed here: copy them next to tools/pulumi-kubernetes/main.go, which embeds
  # them, and stamp the schema's version like upstream's generate.go does.
  if [ "$cache_root" = "off" ] || [ ! -x "$cache_root/pulumi-kubernetes-$k/pulumi-resource-kubernetes" ]; then
    prov_dir="$(moddir pulumi-kubernetes "github.com/pulumi/pulumi-kubernetes/provider/v4@$k8s_mod_ver")"
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

# --- PULUMI_HOME with the kubernetes plugin ----------------------------------------------------
home_key="$k8s_mod_ver $K8S_PLUGIN_VERSION $(cat "$stamp_dir/pulumi-kubernetes")"
plugin_dir="$pulumi_home/plugins/resource-kubernetes-v$K8S_PLUGIN_VERSION"
if ! stamp_ok pulumi-home "$home_key" || [ ! -x "$plugin_dir/pulumi-resource-kubernetes" ]; then
  if [ "$use_system_pulumi" = "1" ]; then pulumi_cmd="$(command -v pulumi)"; else pulumi_cmd="$bin_dir/pulumi"; fi
  log "installing kubernetes plugin v$K8S_PLUGIN_VERSION into $pulumi_home"
  rm -rf "$plugin_dir" "$plugin_dir.lock" "$plugin_dir.partial"
  PULUMI_HOME="$pulumi_home" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
    "$pulumi_cmd" plugin install resource kubernetes "$K8S_PLUGIN_VERSION" \
    --file "$bin_dir/pulumi-resource-kubernetes" --non-interactive >&2 \
    || die "installing the kubernetes plugin into $pulumi_home failed"
  echo "$home_key" > "$stamp_dir/pulumi-home"
fi

# --- kubeconform -------------------------------------------------------------------------------
k="$(key kubeconform "$kubeconform_ver" "ldflags=-X main.version")"
if ! stamp_ok kubeconform "$k" || [ ! -x "$bin_dir/kubeconform" ]; then
  need_go
  build kubeconform "$k" kubeconform github.com/yannh/kubeconform/cmd/kubeconform \
    "-X main.version=$kubeconform_ver"
  echo "$k" > "$stamp_dir/kubeconform"
fi

log "tools ready in .tools/bin (source scripts/tools-env.sh)"
