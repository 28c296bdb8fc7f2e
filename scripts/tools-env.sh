# Source this file (bash or zsh) to use the tools built by scripts/bootstrap-tools.sh offline:
#   . scripts/tools-env.sh
# It puts .tools/bin first on PATH and points Pulumi at .tools/pulumi-home, where the
# kubernetes plugin is installed under the version the pinned Python SDK asks for. Nothing here
# talks to the Pulumi service: no update check, no plugin downloads, a local (file://) backend.
# Values already set in the environment win, except PATH and PULUMI_HOME.

if [ -n "${BASH_SOURCE:-}" ]; then
  _knstack_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
else  # zsh
  _knstack_root="$(cd "$(dirname "${(%):-%x}")/.." && pwd)"
fi

case ":$PATH:" in
  *":$_knstack_root/.tools/bin:"*) ;;
  *) export PATH="$_knstack_root/.tools/bin:$PATH" ;;
esac

# Plugins (kubernetes vX.Y.Z) and credentials live here, not in ~/.pulumi.
export PULUMI_HOME="$_knstack_root/.tools/pulumi-home"
# No network calls to the Pulumi service for version checks or plugin downloads: a missing
# plugin is an error instead of a download attempt.
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# .tools/bin/pulumi-resource-kubernetes is on PATH too; without this the engine would use it as
# an "ambient" plugin (with a warning on every run) instead of the version-matched install in
# PULUMI_HOME. Language hosts are still found next to the pulumi binary.
export PULUMI_IGNORE_AMBIENT_PLUGINS=true
# Local state backend (the directory is gitignored); override with your own file:// URL.
if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  mkdir -p "$_knstack_root/.pulumi-state"
  export PULUMI_BACKEND_URL="file://$_knstack_root/.pulumi-state"
fi
# Passphrase secrets provider with an empty passphrase unless one is set (local use and CI).
if [ -z "${PULUMI_CONFIG_PASSPHRASE+x}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE=""
fi
# No PULUMI_PYTHON_CMD: Pulumi.yaml and policies/PulumiPolicy.yaml name the interpreter through
# their `virtualenv` option, and the language host joins PULUMI_PYTHON_CMD onto the
# virtualenv's bin/ (an absolute path there makes ".venv/bin//abs/path/python").

# Not set here, but note: a KUBECONFIG variable makes a kubernetes Provider with
# render_yaml_to_directory fail ("kubeconfig" arg is not compatible with
# "renderYamlToDirectory" arg); unset it for render-only runs.

unset _knstack_root
