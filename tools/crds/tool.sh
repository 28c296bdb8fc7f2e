# CRDs of every project knstack writes custom resources for, taken from the Go modules that ship
# them at the versions pinned in go.mod (sourced by scripts/bootstrap-tools.sh). Nothing is
# compiled: `go mod download` fetches (or finds in the module cache) each module, checks it
# against go.sum, and the CustomResourceDefinition files are copied unchanged to
#   .tools/crds/<project>/<file>.yaml      (`knstack validate` reads them by default)
#   .tools/crds/SOURCES                    one line per project: project module version
tool_groups="validate tests"

# project  module  directories (in the module) holding the project's CRD files
_crd_projects() {
  cat <<'LIST'
gateway-api sigs.k8s.io/gateway-api config/crd/standard
istio istio.io/api kubernetes
keda github.com/kedacore/keda/v2 config/crd/bases
keda-http-add-on github.com/kedacore/http-add-on config/crd/bases
knative-serving knative.dev/serving config/core/300-resources
knative-serving knative.dev/networking config
knative-serving knative.dev/caching config
tekton-pipeline github.com/tektoncd/pipeline config/300-crds
LIST
}

tool_build() {
  local k out staged project module dirs ver src sub file
  k="$(key crds "$(_crd_projects)" "layout=1")"
  out="$tools_dir/crds"
  if stamp_ok crds "$k" && [ -f "$out/SOURCES" ]; then
    return 0
  fi
  staged="$tools_dir/.crds.tmp.$$"
  rm -rf "$staged"
  mkdir -p "$staged"
  while read -r project module dirs; do
    ver="$(modver crds "$module")"
    [ -n "$ver" ] || die "tools/crds/go.mod does not require $module"
    src="$(moddir crds "$module@$ver")"
    mkdir -p "$staged/$project"
    for sub in $dirs; do
      [ -d "$src/$sub" ] || die "$module@$ver has no $sub"
      for file in "$src/$sub"/*.yaml; do
        # Only CRDs (gateway-api's directory also holds a ValidatingAdmissionPolicy).
        grep -q '^kind: CustomResourceDefinition' "$file" || continue
        install -m 0644 "$file" "$staged/$project/$(basename "$file")"
      done
    done
    echo "$project $module $ver" >> "$staged/SOURCES"
  done < <(_crd_projects)
  rm -rf "$out"
  mv "$staged" "$out"
  log "crds: $(find "$out" -name '*.yaml' | wc -l) CRD files in $out"
  echo "$k" > "$stamp_dir/crds"
}
