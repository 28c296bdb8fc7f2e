#!/usr/bin/env bash
# Builds knstack's Go-based tools from pinned Go modules into .tools/ (gitignored).
#
#   scripts/bootstrap-tools.sh                 the tools the main job uses (group "validate")
#   scripts/bootstrap-tools.sh GROUP...        those groups (e.g. pulumi, cluster)
#   scripts/bootstrap-tools.sh all             every tool
#   scripts/bootstrap-tools.sh --list          each tool, its groups and whether it is built
#
# Each tool lives in tools/<name>/: a wrapper go.mod/go.sum that pins the module version and
# every dependency hash (plus a main.go where upstream's main cannot be built from the module
# cache), and tool.sh, which this script sources. tool.sh sets
#   tool_groups="validate tests"   the groups the tool belongs to
# and defines tool_build, which calls the helpers below (key, stamp_ok, build, moddir, modver).
# Tools are visited in name order, so a tool that needs another one sorts after it.
# Groups in use: validate (main job), pulumi (Pulumi CLI and plugins), tests (everything the
# test suite runs), bench (benchmark peers only). See the README's "What builds what" table.
#
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
mkdir -p "$bin_dir" "$stamp_dir"

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

# system_pulumi: true when KNSTACK_USE_SYSTEM_PULUMI=1 and a pulumi is on PATH (then the CLI and
# its Python host are not built).
system_pulumi() { [ "${KNSTACK_USE_SYSTEM_PULUMI:-0}" = "1" ] && command -v pulumi >/dev/null 2>&1; }

cache_root="${KNSTACK_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/knstack-tools}"

# key TOOL EXTRA...: hash of the tool's wrapper files, build settings and extra strings.
key() {
  local tool="$1"; shift
  {
    echo "tool=$tool go=$go_id"
    echo "flags=-mod=readonly -trimpath -buildvcs=false cgo=0 ldflags=-s-w"
    printf '%s\n' "$@"
    # Only committed wrapper inputs (not files the build copies in from the module cache).
    for f in go.mod go.sum main.go; do
      if [ -f "tools/$tool/$f" ]; then sha256sum "tools/$tool/$f"; fi
    done
  } | sha256sum | cut -c1-16
}

stamp_ok() { [ "${KNSTACK_TOOLS_FORCE:-0}" != "1" ] && [ -f "$stamp_dir/$1" ] && [ "$(cat "$stamp_dir/$1")" = "$2" ]; }

# place SRC DEST: hard link (same filesystem) or copy a built binary into .tools/bin.
place() { rm -f "$2"; ln "$1" "$2" 2>/dev/null || cp "$1" "$2"; chmod +x "$2"; }

# build TOOL KEY OUTNAME PKG [LDFLAGS] [SRCDIR] [TAGS]: go build PKG in SRCDIR (default
# tools/TOOL) with build tags TAGS to .tools/bin/OUTNAME, going through the per-user binary cache.
build() {
  local tool="$1" k="$2" out="$3" pkg="$4" ldflags="${5:-}" src="${6:-tools/$1}" tags="${7:-}"
  local cached=""
  if [ "$cache_root" != "off" ]; then
    cached="$cache_root/$tool-$k/$out"
    if [ -x "$cached" ]; then
      log "$out: using cached build $cached"
      place "$cached" "$bin_dir/$out"
      return 0
    fi
  fi
  need_go
  local start=$SECONDS
  log "$out: building $pkg (cold builds take minutes)"
  local tmp="$bin_dir/.$out.tmp.$$"
  if ! (cd "$src" && go build -tags "$tags" -ldflags "-s -w $ldflags" -o "$tmp" "$pkg"); then
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

# cached_dir TOOL KEY: the per-user cache directory of a build (empty when the cache is off);
# for tools whose output is more than one binary (data files, schemas).
cached_dir() { [ "$cache_root" = "off" ] || echo "$cache_root/$1-$2"; }

# moddir TOOL MODULE@VERSION: directory of a module (downloaded and verified against the
# wrapper's go.sum).
moddir() {
  local dir
  need_go
  dir="$(cd "tools/$1" && go mod download -json "$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir" ] || die "could not download $2 (for tools/$1)"
  echo "$dir"
}

# --- which groups ---------------------------------------------------------------------------
list=0
groups=()
for arg in "$@"; do
  case "$arg" in
    --list) list=1 ;;
    --all) groups+=(all) ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) die "unknown option $arg (see --help)" ;;
    *) groups+=("$arg") ;;
  esac
done
[ "${#groups[@]}" -gt 0 ] || groups=(validate)

# Tool directories in name order ("pulumi" before "pulumi-kubernetes").
tool_names=()
while IFS= read -r name; do
  [ -f "tools/$name/tool.sh" ] && tool_names+=("$name")
done < <(cd tools && printf '%s\n' */ | sed 's:/$::' | LC_ALL=C sort)

known_groups=" all "
for name in "${tool_names[@]}"; do
  conf="tools/$name/tool.sh"
  tool_groups=""
  # shellcheck source=/dev/null
  . "$conf"
  for g in $tool_groups; do
    case "$known_groups" in *" $g "*) ;; *) known_groups+="$g " ;; esac
  done
done
for g in "${groups[@]}"; do
  case "$known_groups" in *" $g "*) ;; *) die "unknown tool group '$g' (groups:$known_groups)" ;; esac
done

wanted() {  # wanted "GROUPS OF A TOOL": true when one of them was asked for
  local g t
  for g in "${groups[@]}"; do
    [ "$g" = all ] && return 0
    for t in $1; do [ "$t" = "$g" ] && return 0; done
  done
  return 1
}

start_all=$SECONDS
for name in "${tool_names[@]}"; do
  conf="tools/$name/tool.sh"
  tool_groups=""
  unset -f tool_build
  # shellcheck source=/dev/null
  . "$conf"
  if [ "$list" = 1 ]; then
    state="not built"; [ -f "$stamp_dir/$name" ] && state="built"
    printf '%-28s %-28s %s\n' "$name" "$tool_groups" "$state"
    continue
  fi
  wanted "$tool_groups" || continue
  declare -F tool_build >/dev/null || die "$conf does not define tool_build"
  tool_build
done
[ "$list" = 1 ] || log "tools ready in .tools/bin for: ${groups[*]} ($((SECONDS - start_all))s; source scripts/tools-env.sh)"
