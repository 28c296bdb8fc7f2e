"""Traffic rules (Knative route_validation.go, knative/serving pkg/apis/serving/v1/route_validation.go)."""

from __future__ import annotations

from knstack.api.messages import out_of_bounds
from knstack.api.serving import TrafficTarget
from knstack.api.validation.names import dns1035_label_error
from knstack.errors import Problem


def validate_traffic(
    traffic: list[TrafficTarget] | None,
    *,
    in_service: bool,
    route_name: str,
    base: str = "spec.traffic",
) -> list[Problem]:
    problems: list[Problem] = []

    def bad(message: str, where: str) -> None:
        problems.append(Problem(message, field=where))

    if not traffic and in_service:
        return problems  # a Service without traffic gets 100% to its latest revision
    total = 0
    tags: dict[str, tuple[int, tuple[str | None, str | None, bool | None]]] = {}
    for index, target in enumerate(traffic or []):
        where = f"{base}[{index}]"
        if in_service and target.configuration_name is not None:
            bad(
                "is not allowed in a Service: leave revisionName out to follow the Service's latest revision",
                f"{where}.configurationName",
            )
        if not in_service:
            named = [n for n in (target.revision_name, target.configuration_name) if n]
            if len(named) != 1:
                bad("set exactly one of revisionName and configurationName", where)
        if target.latest_revision is True and target.revision_name:
            bad(
                "latestRevision: true cannot be combined with revisionName",
                f"{where}.latestRevision",
            )
        if target.latest_revision is False and not target.revision_name:
            bad("latestRevision: false needs a revisionName to pin", f"{where}.latestRevision")
        if target.url is not None:
            bad("must not be set: the URL is status, not spec", f"{where}.url")
        if target.percent is not None:
            if not 0 <= target.percent <= 100:
                # knative/serving pkg/apis/serving/v1/route_validation.go
                bad(out_of_bounds(target.percent, 0, 100), f"{where}.percent")
            else:
                total += target.percent
        if target.tag is not None:
            identity = (target.revision_name, target.configuration_name, target.latest_revision)
            if err := dns1035_label_error(target.tag):
                bad(err, f"{where}.tag")
            elif target.tag in tags and tags[target.tag][1] != identity:
                bad(
                    f"duplicate tag {target.tag!r} (also at {base}[{tags[target.tag][0]}])",
                    f"{where}.tag",
                )
            elif len(f"{target.tag}-{route_name}") > 63:
                bad(
                    f"the tag host label {target.tag}-{route_name!s} is longer than 63 characters",
                    f"{where}.tag",
                )
            tags.setdefault(target.tag, (index, identity))
    if total != 100:
        bad(f"traffic percentages sum to {total}; they must sum to exactly 100", base)
    return problems
