// Wrapper module pinning the Go modules whose CustomResourceDefinitions `knstack validate`
// uses by default (scripts/bootstrap-tools.sh copies them out of the module cache: nothing is
// compiled). One require per project; go.sum pins each module's content hash.
module knstack.local/tools/crds

go 1.26

require (
	github.com/kedacore/http-add-on v0.15.0
	github.com/kedacore/keda/v2 v2.20.1
	github.com/tektoncd/pipeline v1.15.0
	istio.io/api v1.32.0
	// knative-v1.23.0; networking and caching at the versions serving v0.50.0 requires (its
	// config/core/300-resources links their CRD files, and module zips drop links)
	knative.dev/caching v0.0.0-20260727161800-0edbf88bc267
	knative.dev/networking v0.0.0-20260727162500-c7a7b772cac9
	knative.dev/serving v0.50.0
	sigs.k8s.io/gateway-api v1.6.3
)
