"""Schema validation: kubeconform `-strict` against Kubernetes and CRD schemas, offline.

`validate_build` checks an environment as `knstack render` would write it;
`validate_paths` checks manifest files. Kubernetes schemas come from the pinned
`kubernetes-validate` package (kubernetes_schemas.py), CRD schemas from CRD files
converted by crd_schema.py; both are generated into a cache outside git (cache.py).
"""

from knstack.validate.report import ObjectResult, ValidationReport
from knstack.validate.runner import SchemaOptions, validate_build, validate_paths

__all__ = ["ObjectResult", "SchemaOptions", "ValidationReport", "validate_build", "validate_paths"]
