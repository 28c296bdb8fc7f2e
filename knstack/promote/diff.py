"""What promoting from one environment into another would change: `knstack diff`.

For every service with a revision that passed the source environment, the promotion is
planned exactly as `knstack promote` would plan it (nothing is written, no gates run) and
shown as unified diffs: the target's stack file (release state), its ledger (the entries
copied), each revision's template against the target's stable one (the configuration),
and every rendered manifest of every cluster that changes.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from knstack.build import EnvironmentBuild, build_environment
from knstack.ledger import RevisionLedger, import_entry
from knstack.promote import steps
from knstack.promote.planning import plan_promotion
from knstack.promote.source import NotPassed, Passed
from knstack.promote.stackedit import release_fields, set_release
from knstack.promote.state import EnvState, load_state, stack_data
from knstack.promote.steps import describe_step
from knstack.render.writer import rendered_files
from knstack.stack import Project
from knstack.yamlio import dump_yaml


@dataclass
class PromotionDiff:
    source: str
    target: str
    summary: list[str] = field(default_factory=list)  # one line per service
    sections: list[str] = field(default_factory=list)  # unified diffs

    @property
    def changed(self) -> bool:
        return bool(self.sections)

    def text(self) -> str:
        head = [f"# promoting from {self.source} to {self.target}"] + [
            f"# {line}" for line in self.summary
        ]
        if not self.sections:
            head.append("# nothing would change")
        return "\n".join(head) + "\n" + "".join(self.sections)


def promotion_diff(
    project: Project,
    source_env: str,
    target_env: str,
    services: Sequence[str] = (),
    now: datetime | None = None,
) -> PromotionDiff:
    now = now or datetime.now(UTC)
    result = PromotionDiff(source_env, target_env)
    source, target = load_state(project, source_env), load_state(project, target_env)
    source_build = build_environment(project, source_env)
    before_build = build_environment(project, target_env)
    if target.settings.promotion.from_ != source_env:
        fed = target.settings.promotion.from_ or "the components"
        result.summary.append(
            f"note: {target_env} is promoted from {fed}, not {source_env}; `knstack promote` takes from {fed}"
        )
    names = sorted(
        {f"{r.namespace}/{r.name}" for r in source_build.plan.routes if r.service is not None}
    )
    wanted = [n for n in names if not services or n in services or n.split("/", 1)[1] in services]
    text, ledger = target.text, target.ledger
    templates: list[tuple[str, str, Passed]] = []
    plan = target.settings.canary
    for full in wanted:
        planned = plan_promotion(
            target,
            source,
            full,
            now,
            target_build=lambda: before_build,
            upstream_build=lambda: source_build,
        )
        short = full.split("/", 1)[1]
        if isinstance(planned, NotPassed):
            result.summary.append(f"{short}: {planned.reason}")
            continue
        transition, passed = planned.transition, planned.passed
        if not transition.changed:
            result.summary.append(f"{short}: {transition.message}")
            continue
        start = describe_step(steps.current_step(transition.new), plan, target.clusters)
        line = f"{short}: {passed.revision} ({passed.how}) would start in {target_env} at {start}"
        if transition.needs_force:
            line += "; needs --force: " + "; ".join(transition.needs_force)
        result.summary.append(line)
        text = set_release(
            text,
            planned.key,
            release_fields(transition.new, plan.wave_count),
            file=str(target.file),
        )
        for entry_key, entries in planned.ledger.configurations.items():
            for entry in entries:
                ledger = import_entry(ledger, entry_key, entry)
        templates.append((full, transition.new.stable or "", passed))
    if text == target.text:
        return result
    stack_name = _relative(target.file, project.root)
    result.sections.append(_unified(target.text, text, f"a/{stack_name}", f"b/{stack_name}"))
    result.sections += _ledger_section(target, ledger, _relative(target.ledger_file, project.root))
    result.sections += _template_sections(target, templates, target_env)
    after_build = build_environment(
        project, target_env, stack_data=stack_data(text, target.file), ledger=ledger
    )
    result.sections += _render_sections(before_build, after_build, target_env)
    return result


def _relative(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


def _ledger_section(target: EnvState, ledger: RevisionLedger, name: Path) -> list[str]:
    """The ledger entries the promotion imports, one line each."""
    added = [
        (k, e)
        for k, entries in ledger.configurations.items()
        for e in entries
        if target.ledger.find(k, e.name) is None
    ]
    if not added:
        return []
    lines = [f"--- a/{name}\n", f"+++ b/{name}\n"]
    lines += [f"+ {k}: {e.name} (generation {e.generation}, {e.digest})\n" for k, e in added]
    return ["".join(lines)]


def _template_sections(
    target: EnvState, templates: list[tuple[str, str, Passed]], target_env: str
) -> list[str]:
    """Each promoted template against the one stable in the target."""
    sections = []
    for full, stable, passed in templates:
        old = target.ledger.find(full, stable)
        old_text = dump_yaml(old.template) if old is not None else ""
        label = f"revision {stable} (stable in {target_env})" if old is not None else "/dev/null"
        sections.append(
            _unified(
                old_text,
                dump_yaml(passed.entry.template),
                label,
                f"revision {passed.revision} (from {passed.source})",
            )
        )
    return sections


def _render_sections(
    before: EnvironmentBuild, after: EnvironmentBuild, target_env: str
) -> list[str]:
    """Every rendered file the promotion changes, as a unified diff."""
    old_files, new_files = rendered_files(before), rendered_files(after)
    sections = []
    for path in sorted(set(old_files) | set(new_files)):
        old_text, new_text = old_files.get(path, ""), new_files.get(path, "")
        if old_text != new_text:
            a = f"a/out/{target_env}/{path}" if path in old_files else "/dev/null"
            b = f"b/out/{target_env}/{path}" if path in new_files else "/dev/null"
            sections.append(_unified(old_text, new_text, a, b))
    return sections


def _unified(old: str, new: str, a: str, b: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), a, b))
