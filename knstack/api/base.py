"""The base of every knstack model: Knative's camelCase names in YAML, snake_case in Python."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class KubeModel(BaseModel):
    """A Kubernetes/Knative API object part.

    Fields are snake_case attributes with the API's camelCase names as aliases, so both
    `Container(image=..., working_dir=...)` and YAML `workingDir:` work. Unknown fields are
    rejected, as Knative's webhook decodes strictly.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="forbid",
        frozen=False,
    )

    def to_dict(self) -> dict[str, Any]:
        """The object as the API writes it: camelCase keys, unset fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")
