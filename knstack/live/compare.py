"""Rendered against live: the fields knstack wrote that the cluster now holds differently.

Only fields present in the rendered object are compared, so what the server owns (status,
uid, resourceVersion, managedFields, defaults it filled in) is never drift. Two spellings of
one value are the same: a quantity in any form (`1000m` and `1`, `1Gi` and `1073741824`), and an
empty value the server drops (Go's `omitempty`: "", 0, false, [], {}).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

_QUANTITY = re.compile(
    r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E))?$"
)
_SUFFIX = {
    "m": Decimal("0.001"), "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}  # fmt: skip
# Maps whose values are quantities (k8s.io/apimachinery pkg/api/resource), by key.
_QUANTITY_MAPS = ("limits", "requests", "capacity", "allocatable", "hard")
_SERVER_OWNED_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
)


@dataclass(frozen=True)
class FieldChange:
    path: str  # spec.template.spec.containers[user-container].image
    rendered: Any
    live: Any


def quantity(value: Any) -> Decimal | None:
    match = _QUANTITY.match(str(value))
    if not match:
        return None
    number, exponent, suffix = match.groups()
    try:
        scale = Decimal(f"1{exponent}") if exponent else _SUFFIX.get(suffix or "", Decimal(1))
        return Decimal(number) * scale
    except InvalidOperation:
        return None


def _empty(value: Any) -> bool:
    return value in ("", 0, False, None) or value == [] or value == {}


def changed_fields(rendered: Any, live: Any, path: str = "", key: str = "") -> list[FieldChange]:
    if isinstance(rendered, dict):
        if not isinstance(live, dict):
            return [FieldChange(path, rendered, live)]
        changes: list[FieldChange] = []
        for k, value in rendered.items():
            if path == "metadata" and k in _SERVER_OWNED_METADATA:
                continue
            sub = f"{path}.{k}" if path else k
            if k not in live:
                if not _empty(value):
                    changes.append(FieldChange(sub, value, None))
                continue
            if key in _QUANTITY_MAPS and _same_quantity(value, live[k]):
                continue
            changes += changed_fields(value, live[k], sub, k)
        return changes
    if isinstance(rendered, list):
        return _changed_items(rendered, live, path)
    if rendered != live and not (_empty(rendered) and live is None):
        return [FieldChange(path, rendered, live)]
    return []


def _same_quantity(a: Any, b: Any) -> bool:
    qa, qb = quantity(a), quantity(b)
    return qa is not None and qa == qb


def _changed_items(rendered: list[Any], live: Any, path: str) -> list[FieldChange]:
    if not isinstance(live, list):
        return [FieldChange(path, rendered, live)]
    named = all(isinstance(i, dict) and "name" in i for i in rendered + live) and all(
        len({i["name"] for i in items}) == len(items) for items in (rendered, live)
    )
    if named:  # containers, env, ports, volumes: matched by (unique) name, as strategic merge does
        live_by_name = {i["name"]: i for i in live}
        changes: list[FieldChange] = []
        for item in rendered:
            sub = f"{path}[{item['name']}]"
            if item["name"] not in live_by_name:
                changes.append(FieldChange(sub, item, None))
            else:
                changes += changed_fields(item, live_by_name[item["name"]], sub)
        extra = sorted(set(live_by_name) - {i["name"] for i in rendered})
        changes += [FieldChange(f"{path}[{n}]", None, live_by_name[n]) for n in extra]
        return changes
    if len(rendered) != len(live):
        return [FieldChange(path, rendered, live)]
    changes = []
    for index, (a, b) in enumerate(zip(rendered, live, strict=True)):
        changes += changed_fields(a, b, f"{path}[{index}]")
    return changes
