"""The base of Knative's typed ConfigMaps: Knative's keys, Knative's parsing, the `_example` rule.

Each ConfigMap of `knative-serving` is a frozen pydantic model whose aliases are Knative's
keys (`stable-window`, `kubernetes.podspec-affinity`, ...). Values are parsed the way
Knative's `configmap.Parse` does (strconv booleans, Go durations, floats as strings) and
written back as the strings a ConfigMap holds. Only keys that were set are written as
top-level data: Knative's built-in defaults apply to the rest, exactly as upstream ships
the ConfigMaps with nothing but an `_example` block (knative/serving config/core/configmaps/).
"""

from __future__ import annotations

import math
import re
import zlib
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from knstack.api.duration import parse_go_duration

EXAMPLE_KEY = "_example"
CHECKSUM_ANNOTATION = "knative.dev/example-checksum"
DISABLED = "disabled"
_NEWLINES = re.compile(r"(?:\r?\n)+")
# Kubernetes resource.Quantity: a signed decimal with an optional binary/decimal suffix or exponent.
QUANTITY = re.compile(
    r"^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$"
)
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def example_checksum(example: str) -> str:
    """knative.dev/pkg/configmap.Checksum: CRC32-IEEE of the trimmed text, newline runs collapsed.

    Go replaces each run of newlines with the two characters backslash and `n` (a raw
    string literal), so the same is done here; the upstream annotations confirm it.
    """
    normalized = _NEWLINES.sub(lambda _: "\\n", example.strip())
    return f"{zlib.crc32(normalized.encode()):08x}"


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise ValueError(f"must be a string, number or boolean, not {type(value).__name__}")


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _scalar_text(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a boolean: use true or false")


def _parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not a boolean")
    if isinstance(value, int):
        return value
    text = _scalar_text(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)


def _parse_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    try:
        number = float(value if isinstance(value, int | float) else _scalar_text(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _parse_duration(value: Any) -> str:
    text = _scalar_text(value).strip()
    parse_go_duration(text)
    return text


def _parse_duration_or_disabled(value: Any) -> str:
    text = _scalar_text(value).strip()
    if text.lower() == DISABLED:
        return DISABLED
    return _parse_duration(text)


def _parse_quantity(value: Any) -> str:
    text = _scalar_text(value).strip()
    if not QUANTITY.match(text):
        raise ValueError(f"{text!r} is not a Kubernetes quantity such as 100m, 128Mi or 1")
    return text


def _format_float(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def lower_choice(*choices: str) -> BeforeValidator:
    """Knative compares enumerated values case-insensitively; knstack stores them lower-case."""

    def parse(value: Any) -> str:
        text = _scalar_text(value).strip()
        for choice in choices:
            if text.lower() == choice.lower():
                return choice
        raise ValueError(f"{text!r} is not one of {', '.join(choices)}")

    return BeforeValidator(parse)


Bool = Annotated[
    bool,
    BeforeValidator(_parse_bool),
    PlainSerializer(lambda v: "true" if v else "false", return_type=str),
]
Int = Annotated[int, BeforeValidator(_parse_int), PlainSerializer(str, return_type=str)]
Float = Annotated[
    float, BeforeValidator(_parse_float), PlainSerializer(_format_float, return_type=str)
]
Duration = Annotated[str, BeforeValidator(_parse_duration)]
DurationOrDisabled = Annotated[str, BeforeValidator(_parse_duration_or_disabled)]
Quantity = Annotated[str, BeforeValidator(_parse_quantity)]
Text = Annotated[str, BeforeValidator(_scalar_text)]


def seconds(duration: str) -> float:
    return parse_go_duration(duration)


class ConfigMapModel(BaseModel):
    """One Knative ConfigMap: fields are its keys, defaults are Knative's built-in values."""

    model_config = ConfigDict(
        alias_generator=lambda name: name.replace("_", "-"),
        validate_by_name=True,
        validate_by_alias=True,
        extra="forbid",
        frozen=True,
    )

    configmap: ClassVar[str]  # e.g. "config-autoscaler"
    component: ClassVar[str] = "controller"  # its app.kubernetes.io/component label
    checksummed: ClassVar[bool] = True  # carries knative.dev/example-checksum (as upstream does)
    # Keys whose upstream `_example` value illustrates a setting rather than stating its
    # default (Knative leaves them unset); the conformance test skips them with this reason.
    example_only: ClassVar[dict[str, str]] = {}

    def data(self) -> dict[str, str]:
        """The top-level keys to write: those that were set, as ConfigMap strings, sorted."""
        dumped = self.model_dump(by_alias=True, exclude_unset=True, mode="json")
        return {key: str(dumped[key]) for key in sorted(dumped) if dumped[key] is not None}

    @classmethod
    def key_names(cls) -> list[str]:
        return [field.alias or name for name, field in cls.model_fields.items()]

    @classmethod
    def default_data(cls) -> dict[str, str | None]:
        """Every key with Knative's default as a ConfigMap string (None: unset by default)."""
        dumped = cls().model_dump(by_alias=True, mode="json")
        return {
            key: (None if dumped.get(key) is None else str(dumped[key])) for key in cls.key_names()
        }

    @classmethod
    def example(cls) -> str:
        """The `_example` block: every key, its description and its default, for `kubectl edit`.

        Generated from the model, so it documents exactly the keys knstack validates.
        """
        lines = [
            f"# {cls.configmap}: generated by knstack from its typed model.",
            "# This block is documentation only: Knative ignores it, and rejects edits that",
            "# break its checksum. Real settings are top-level keys of this ConfigMap.",
        ]
        defaults = cls.default_data()
        for name, field in cls.model_fields.items():
            key = field.alias or name
            lines.append("")
            if field.description:
                lines.append(f"# {field.description}")
            default = defaults[key]
            if default is None:
                lines.append(f"# {key}: (unset by default)")
            elif "\n" in default:
                lines.append(f"{key}: |")
                lines += [f"  {line}" for line in default.splitlines()]
            else:
                escaped = default.replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'{key}: "{escaped}"')
        return "\n".join(lines) + "\n"
