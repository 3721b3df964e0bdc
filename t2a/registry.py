"""The one way a stage app plugs into the platform.

Apps are stacked by the model's stages (t2a <- cycles <- stakeholders <- feedback <-
actions) and import only the apps below them. Work that needs every stage (readiness, the
reminder sweep, closure, the next iteration, the PDF reports, the organisation home, the
cycle page, exports and erasure, demo data) is composed from what each app contributes
here, from its `AppConfig.ready()` through `<app>/registrations.py`:

    def register(app: Registrar) -> None:
        app.readiness(stage=3, key="listening_held", label="...",
                      measure="feedback.selectors.readiness.listening_held", position=20)

Callables are named by dotted path and imported on first use, so registering imports
nothing (apps.py runs before models exist) and a lower app never names a higher one. The
system checks in `t2a/checks.py` fail start-up when a path does not import, when a path
reaches into an app above the one that registered it, when a stage has no readiness
measure, or when a tenant model or a field pointing at a stakeholder has no registration.

This module imports nothing from the project, so every app's apps.py may import it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

# The apps, bottom first. An app may name (import, register paths in, point foreign keys
# at) only itself and the apps before it.
APP_ORDER = ("t2a", "cycles", "stakeholders", "feedback", "actions")

# The five stages of the T2A model.
STAGES = (1, 2, 3, 4, 5)


@cache
def resolve(path: str) -> Callable[..., Any]:
    """The callable at a dotted path, imported once."""
    return import_string(path)


@dataclass(frozen=True)
class Contribution:
    app: str
    key: str
    position: int

    def paths(self) -> Iterator[str]:
        """The dotted paths this contribution names (checked at start-up)."""
        for name in self.PATH_FIELDS:  # type: ignore[attr-defined]
            value = getattr(self, name)
            if value:
                yield value

    def call(self, name: str, *args, **kwargs):
        return resolve(getattr(self, name))(*args, **kwargs)


@dataclass(frozen=True)
class ReadinessMeasure(Contribution):
    """One item of a stage's checklist: `measure(cycles) -> {cycle_pk: met}`, answering for
    many cycles with a constant number of queries."""

    stage: int
    label: str
    measure: str
    PATH_FIELDS = ("measure",)


@dataclass(frozen=True)
class ReminderSource(Contribution):
    """`source(*, organisation, today) -> Iterable[Due]`: what the sweep should remind."""

    source: str
    PATH_FIELDS = ("source",)


@dataclass(frozen=True)
class ClosureEvidence(Contribution):
    """The data that settles a responsible-closure step whatever was recorded by hand.

    `met(cycle_pks) -> set` of the cycles whose data meets the step (for many cycles);
    `summary(cycle) -> dict` is what the checklist page shows about one, with `template`,
    and says under "met" whether it meets the step. With `reopens`, a
    step recorded as done counts as not yet while the data does not meet it, and
    `refusal(cycle) -> str` says why it cannot be recorded as done then."""

    step: str
    met: str
    summary: str
    template: str
    reopens: bool = False
    refusal: str = ""
    PATH_FIELDS = ("met", "summary", "refusal")


@dataclass(frozen=True)
class CarryOver(Contribution):
    """What "start next iteration" carries: `carry(*, old, new, by)` runs inside the
    transaction that creates the new cycle; `preview(cycle) -> {"text", "detail"}` is what
    the confirmation page lists (`detail` optional, shown under the list)."""

    carry: str
    preview: str
    PATH_FIELDS = ("carry", "preview")


@dataclass(frozen=True)
class ReportSection(Contribution):
    """A section of a PDF report: `gather(cycle) -> JSON-able dict | None` (None leaves the
    section out; the data is hashed, so it holds values, never drawings), rendered with
    `template`; `draw(section_data) -> dict` adds drawings (SVG) at render time."""

    report: str
    heading: str
    template: str
    gather: str
    draw: str = ""
    chapter: bool = False
    PATH_FIELDS = ("gather", "draw")


@dataclass(frozen=True)
class Panel(Contribution):
    """A panel on a page another app owns: `context(request, *objects) -> dict | None`
    (None hides the panel), rendered with `template`. The view calls it, so the page's
    cost shows in the view."""

    page: str
    template: str
    context: str
    PATH_FIELDS = ("context",)


@dataclass(frozen=True)
class NavigationItem(Contribution):
    """An entry in the header's navigation for organisation pages: a template that renders
    one `<li>` from the page's context (it may ask policies, never the database)."""

    template: str
    PATH_FIELDS = ()


@dataclass(frozen=True)
class Extension(Contribution):
    """An answer at a plug-in point that a lower app declares and documents where it reads
    it: `point` names it ("feedback.report_back_link"), `target` is the dotted path of the
    callable or class that answers."""

    point: str
    target: str
    PATH_FIELDS = ("target",)


@dataclass(frozen=True)
class StakeholderLink(Contribution):
    """What erasure and retention do with a field (`key`, "app.Model.field") pointing at a
    stakeholder: its rows are kept, `clear` sets fields on every linked row and
    `clear_when_alone` on rows that link to nobody else; `activity(since, day) -> Exists`
    says when such a row shows the stakeholder active (for the retention sweep)."""

    label: str
    why: str
    activity: str
    clear: dict = field(default_factory=dict, hash=False)
    clear_when_alone: dict = field(default_factory=dict, hash=False)
    PATH_FIELDS = ("activity",)


@dataclass(frozen=True)
class OrganisationData(Contribution):
    """A model whose rows belong to an organisation (`key` is its "app.Model" label): the
    organisation export writes them, deletion removes them. `rows(queryset) -> queryset`
    may narrow or annotate what the export writes."""

    PATH_FIELDS = ()


@dataclass(frozen=True)
class AuditedModel(Contribution):
    """A model whose creates, edits and deletes go to the audit trail (`t2a.audit.track`)."""

    options: dict = field(default_factory=dict, hash=False)
    PATH_FIELDS = ()


@dataclass(frozen=True)
class DemoData(Contribution):
    """`seed(demo, *, large)` adds the app's demo rows (idempotently)."""

    seed: str
    PATH_FIELDS = ("seed",)


@dataclass(frozen=True)
class Policies(Contribution):
    """The app's policy module (`can_<verb>(membership)` functions), asked by templates."""

    module: str
    PATH_FIELDS = ()


class Registry:
    """What every app has contributed, by kind, in registration order."""

    def __init__(self) -> None:
        self._items: dict[type[Contribution], list[Contribution]] = {}

    def add(self, item: Contribution) -> None:
        found = self._items.setdefault(type(item), [])
        if any(other.key == item.key and other.app == item.app for other in found):
            raise ValueError(f"{item.app} registered {type(item).__name__} {item.key!r} twice")
        found.append(item)

    def all(self, kind: type[Contribution]) -> list:
        """Contributions of one kind, by position, then by app from the bottom up."""
        return sorted(
            self._items.get(kind, []),
            key=lambda c: (c.position, APP_ORDER.index(c.app)),
        )

    def everything(self) -> Iterator[Contribution]:
        for items in self._items.values():
            yield from items

    # Readers used by the composing code --------------------------------------------------

    def readiness(self, stage: int) -> list[ReadinessMeasure]:
        return [m for m in self.all(ReadinessMeasure) if m.stage == stage]

    def panels(self, page: str) -> list[Panel]:
        return [p for p in self.all(Panel) if p.page == page]

    def report_sections(self, report: str) -> list[ReportSection]:
        return [s for s in self.all(ReportSection) if s.report == report]

    def closure_evidence(self, step: str) -> ClosureEvidence | None:
        return next((e for e in self.all(ClosureEvidence) if e.step == step), None)

    def extensions(self, point: str) -> list[Extension]:
        return [e for e in self.all(Extension) if e.point == point]

    def policies(self, app: str) -> str | None:
        return next((p.module for p in self.all(Policies) if p.app == app), None)

    def for_app(self, app: str) -> "Registrar":
        if app not in APP_ORDER:
            raise ValueError(f"{app} is not one of the stacked apps {APP_ORDER}")
        return Registrar(self, app)


class Registrar:
    """What one app calls from its registrations: every contribution carries the app."""

    def __init__(self, registry: Registry, app: str) -> None:
        self._registry = registry
        self.app = app

    def _add(self, kind: type[Contribution], key: str, position: int = 0, **fields) -> None:
        self._registry.add(kind(app=self.app, key=key, position=position, **fields))

    def readiness(self, *, stage: int, key: str, label: str, measure: str, position: int):
        if stage not in STAGES:
            raise ValueError(f"Readiness {key!r}: stage {stage} is not one of {STAGES}")
        self._add(ReadinessMeasure, key, position, stage=stage, label=label, measure=measure)

    def reminder_source(self, source: str) -> None:
        self._add(ReminderSource, source, source=source)

    def closure_evidence(self, *, step: str, **options) -> None:
        self._add(ClosureEvidence, step, step=step, **options)

    def carry_over(self, *, key: str, carry: str, preview: str, position: int) -> None:
        self._add(CarryOver, key, position, carry=carry, preview=preview)

    def report_section(self, *, report: str, key: str, position: int, **options) -> None:
        self._add(ReportSection, f"{report}.{key}", position, report=report, **options)

    def panel(self, *, page: str, key: str, template: str, context: str, position: int):
        self._add(Panel, f"{page}.{key}", position, page=page, template=template, context=context)

    def navigation(self, *, template: str, position: int) -> None:
        self._add(NavigationItem, template, position, template=template)

    def extend(self, point: str, target: str, *, position: int = 0) -> None:
        self._add(Extension, f"{point}:{target}", position, point=point, target=target)

    def stakeholder_link(self, key: str, **handling) -> None:
        self._add(StakeholderLink, key, **handling)

    def organisation_data(self, *labels: str) -> None:
        for label in labels:
            self._add(OrganisationData, label)

    def audit(self, label: str, **options) -> None:
        """Track the model now (called from ready(), when models exist)."""
        self._add(AuditedModel, label, options=options)
        resolve("t2a.audit.track")(apps.get_model(label), **options)

    def demo(self, seed: str) -> None:
        self._add(DemoData, seed, APP_ORDER.index(self.app), seed=seed)

    def policies(self, module: str) -> None:
        self._add(Policies, module, module=module)


registry = Registry()
