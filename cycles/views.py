"""Views for cycles and their stage 1 documents.

Every view fetches its cycle through `get_cycle_for_request` (404 for cycles the member
may not see) and child rows through the cycle, so a row of another cycle or organisation
is never reachable by id.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from t2a.htmx import error_status, render_section
from t2a.models import User
from t2a.tenancy import allowed_by
from t2a.views import add_errors

from . import closure, policies, readiness, services
from .charts import inequality_chart
from .forms import (
    AgreedOnForm,
    CaseForChangeForm,
    CycleFilterForm,
    CycleForm,
    DataSourceForm,
    EthicsLogEntryForm,
    InclusionPromptsForm,
    InequalityRowForm,
    StageChangeForm,
    TheoryOfChangeItemForm,
)
from .models import (
    CaseForChange,
    CaseForChangeRevision,
    Cycle,
    CycleStatus,
    DataSource,
    EthicsLogEntry,
    EthicsStatus,
    InequalityRow,
    Stage,
    StageTransition,
    TheoryOfChangeItem,
    TheoryOfChangeKind,
)
from .selectors import cycle_iterations, cycles_visible_to, get_cycle_for_request

PAGE_SIZE = 25
PEOPLE = ("community_leads", "governance_members")


def _cycle_url(cycle: Cycle, name: str = "cycle_detail") -> str:
    return reverse(f"cycles:{name}", args=[cycle.organisation.slug, cycle.pk])


def _can_edit(request: HttpRequest) -> bool:
    return policies.can_edit_cycle(request.membership)


# Cycles ------------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_cycles)
def cycle_list(request: HttpRequest) -> HttpResponse:
    form = CycleFilterForm(request.GET or None)
    cycles = cycles_visible_to(request.membership).select_related("lead")
    if form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
        stage, lead = form.cleaned_data["stage"], form.cleaned_data["lead"]
        if q:
            cycles = cycles.filter(
                Q(title__icontains=q) | Q(place__icontains=q) | Q(inequality__icontains=q)
            )
        if status:
            cycles = cycles.filter(status=status)
        if stage:
            cycles = cycles.filter(current_stage=stage)
        if lead:
            cycles = cycles.filter(lead=lead)
    page = Paginator(cycles, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    by_cycle = readiness.evaluate_current_stage(page.object_list)
    for cycle in page.object_list:
        cycle.readiness = by_cycle[cycle.pk]
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
    }
    template = "cycles/cycle_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#cycle_results"
    return render(request, template, context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _cycle_form_save(request: HttpRequest, form: CycleForm, cycle: Cycle | None) -> Cycle | None:
    fields = {k: v for k, v in form.cleaned_data.items() if k not in PEOPLE}
    people = {k: form.cleaned_data[k] for k in PEOPLE}
    try:
        if cycle is None:
            return services.cycle_create(organisation=request.organisation, fields=fields, **people)
        return services.cycle_update(cycle=cycle, fields=fields, **people)
    except ValidationError as exc:
        add_errors(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_create_cycle)
def cycle_create(request: HttpRequest) -> HttpResponse:
    form = CycleForm(request.POST or None, initial={"lead": request.user})
    if request.method == "POST" and form.is_valid():
        cycle = _cycle_form_save(request, form, None)
        if cycle is not None:
            messages.success(
                request, f"Cycle “{cycle.title}” created. Start with its case for change."
            )
            return redirect(_cycle_url(cycle))
    status = 400 if form.errors else 200
    return render(request, "cycles/cycle_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def cycle_edit(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = CycleForm(request.POST or None, instance=cycle)
    saved = request.method == "POST" and form.is_valid() and _cycle_form_save(request, form, cycle)
    if saved:
        messages.success(request, "Cycle details saved.")
        return redirect(_cycle_url(cycle))
    status = 400 if form.errors else 200
    return render(request, "cycles/cycle_form.html", {"form": form, "cycle": cycle}, status=status)


@require_GET
@allowed_by(policies.can_view_cycles)
def cycle_detail(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    prefetch_related_objects(
        [cycle],
        Prefetch("community_leads", queryset=User.objects.order_by("full_name", "email")),
        Prefetch("governance_members", queryset=User.objects.order_by("full_name", "email")),
    )
    by_stage = readiness.evaluate(cycle)
    stages = [{"number": s.value, "label": s.label, "readiness": by_stage[s.value]} for s in Stage]
    today = timezone.localdate()
    ethics = EthicsLogEntry.objects.filter(cycle=cycle).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=EthicsStatus.OPEN)),
        overdue=Count("pk", filter=Q(review_date__lt=today) & ~Q(status=EthicsStatus.CLOSED)),
    )
    iterations = _iterations(request, cycle)
    closing = cycle.status in services.CLOSURE_STATUSES
    manage_closure = policies.can_edit_closure(request.membership)
    context = {
        "cycle": cycle,
        "stages": stages,
        "transitions": StageTransition.objects.filter(cycle=cycle).select_related("moved_by"),
        "case": CaseForChange.objects.filter(cycle=cycle).first(),
        "ethics": ethics,
        "can_edit": _can_edit(request),
        "iterations": iterations,
        "checklist": closure.checklist_for(cycle) if closing else None,
        # A draft has not started yet: point to closing only once the cycle is active.
        "can_start_closing": manage_closure and cycle.status == CycleStatus.ACTIVE,
        "can_start_next": policies.can_start_next_iteration(request.membership)
        and cycle.status in services.NEXT_ITERATION_FROM
        and iterations["next"] is None,
    }
    return render(request, "cycles/cycle_detail.html", context)


def _iterations(request: HttpRequest, cycle: Cycle) -> dict:
    """The chain of iterations this cycle belongs to, for the cycle page: one query, and
    for members who see only their own cycles one more, for which iterations they may
    open (one they are not on is shown without its title or link)."""
    chain = cycle_iterations(cycle)
    index = next(i for i, c in enumerate(chain) if c.pk == cycle.pk)
    if request.membership.role not in policies.STAFF_ROLES:
        visible = set(
            cycles_visible_to(request.membership)
            .filter(pk__in=[c.pk for c in chain])
            .values_list("pk", flat=True)
        )
    else:
        visible = {c.pk for c in chain}
    for c in chain:
        c.visible_to_member = c.pk in visible
    return {
        "chain": chain,
        "position": index + 1,
        "total": len(chain),
        "previous": chain[index - 1] if index > 0 else None,
        "next": chain[index + 1] if index + 1 < len(chain) else None,
    }


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_change_stage)
def cycle_stage_change(request: HttpRequest, cycle_pk: int, direction: str) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    advancing = direction == "advance"
    to_stage = cycle.current_stage + (1 if advancing else -1)
    if not 1 <= to_stage <= 5:
        messages.error(
            request,
            "This cycle is at its last stage."
            if advancing
            else "This cycle is at its first stage.",
        )
        return redirect(_cycle_url(cycle))
    current = readiness.evaluate(cycle, stages=[cycle.current_stage])[cycle.current_stage]
    unmet = current.unmet if advancing else []
    form = StageChangeForm(
        request.POST or None,
        initial={"from_stage": cycle.current_stage},
        advancing=advancing,
        unmet=unmet,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = data.get("inclusion_changed")
        try:
            services.cycle_change_stage(
                cycle=cycle,
                from_stage=data["from_stage"],
                to_stage=data["from_stage"] + (1 if advancing else -1),
                by=request.user,
                reason=data["reason"],
                inclusion_prompts_changed=None if changed is None else changed == "yes",
                inclusion_prompts_note=data.get("inclusion_note", ""),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"{cycle.title} is now at stage {cycle.current_stage}: {cycle.stage_label}.",
            )
            return redirect(_cycle_url(cycle))
    context = {
        "cycle": cycle,
        "form": form,
        "advancing": advancing,
        "to_stage": Stage(to_stage),
        "current": current,
        "prompts": services.inclusion_prompts_for(cycle) if advancing else None,
    }
    status = 400 if form.errors else 200
    return render(request, "cycles/stage_change.html", context, status=status)


# Case for change ---------------------------------------------------------------------


def _case_context(request: HttpRequest, cycle: Cycle, **extra) -> dict:
    case = services.case_for_change_for(cycle)
    stored = case.pk is not None
    rows = list(InequalityRow.objects.filter(case_for_change=case)) if stored else []
    return {
        "cycle": cycle,
        "case": case,
        "sources": DataSource.objects.filter(case_for_change=case) if stored else [],
        "rows": rows,
        "chart": inequality_chart(rows),
        "revisions": CaseForChangeRevision.objects.filter(case_for_change=case).select_related(
            "author"
        )[:50]
        if stored
        else [],
        "can_edit": _can_edit(request),
        "source_form": extra.pop("source_form", None) or DataSourceForm(),
        "row_form": extra.pop("row_form", None) or InequalityRowForm(),
        "agree_form": extra.pop("agree_form", None)
        or AgreedOnForm(initial={"agreed_on": timezone.localdate()}),
        **extra,
    }


@require_GET
@allowed_by(policies.can_view_cycles)
def case_for_change(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return render(request, "cycles/case_for_change.html", _case_context(request, cycle))


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def case_for_change_edit(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    case = services.case_for_change_for(cycle)
    form = CaseForChangeForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_for_change_update(case=case, by=request.user, sections=form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Case for change saved.")
            return redirect(_cycle_url(cycle, "case_for_change"))
    status = 400 if form.errors else 200
    return render(
        request,
        "cycles/case_for_change_edit.html",
        {"cycle": cycle, "case": case, "form": form},
        status=status,
    )


@require_POST
@allowed_by(policies.can_edit_cycle)
def case_for_change_agree(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    case = services.case_for_change_for(cycle)
    form = AgreedOnForm(request.POST)
    if form.is_valid():
        services.case_for_change_agree(
            case=case, by=request.user, agreed_on=form.cleaned_data["agreed_on"]
        )
        messages.success(request, "Recorded as agreed by the steering group.")
        return redirect(_cycle_url(cycle, "case_for_change"))
    return render(
        request,
        "cycles/case_for_change.html",
        _case_context(request, cycle, agree_form=form),
        status=400,
    )


def _child_form_view(
    request: HttpRequest,
    cycle: Cycle,
    *,
    form_class,
    instance,
    save,
    partial: str,
    form_key: str,
    success: str,
) -> HttpResponse:
    """Add or edit a data source or inequality row: on the case page (htmx) or a page."""
    in_place = bool(request.htmx and instance.pk is None and partial)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if in_place:
                # Show the new row in place, with a fresh empty form below it.
                return render(
                    request, f"cycles/case_for_change.html#{partial}", _case_context(request, cycle)
                )
            messages.success(request, success)
            return redirect(_cycle_url(cycle, "case_for_change"))
    status = error_status(request) if form.errors else 200
    if in_place:
        return render(
            request,
            f"cycles/case_for_change.html#{partial}",
            _case_context(request, cycle, **{form_key: form}),
            status=status,
        )
    return render(
        request,
        "cycles/case_item_form.html",
        {"cycle": cycle, "form": form, "instance": instance, "form_key": form_key},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def data_source_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    case = services.case_for_change_for(cycle)
    return _child_form_view(
        request,
        cycle,
        form_class=DataSourceForm,
        instance=DataSource(case_for_change=case),
        save=lambda source: services.data_source_save(case=case, source=source, by=request.user),
        partial="data_sources",
        form_key="source_form",
        success="Data source added.",
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def data_source_edit(request: HttpRequest, cycle_pk: int, data_source_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    source = get_object_or_404(DataSource, case_for_change__cycle=cycle, pk=data_source_pk)
    case = source.case_for_change
    return _child_form_view(
        request,
        cycle,
        form_class=DataSourceForm,
        instance=source,
        save=lambda s: services.data_source_save(case=case, source=s, by=request.user),
        partial="",
        form_key="source_form",
        success="Data source saved.",
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def data_source_delete(request: HttpRequest, cycle_pk: int, data_source_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    source = get_object_or_404(DataSource, case_for_change__cycle=cycle, pk=data_source_pk)
    if request.method == "POST":
        services.data_source_delete(source=source, by=request.user)
        messages.success(request, f"Data source “{source.title}” removed.")
        return redirect(_cycle_url(cycle, "case_for_change"))
    return render(
        request,
        "cycles/confirm_delete.html",
        {
            "cycle": cycle,
            "what": f"the data source “{source.title}”",
            "back": _cycle_url(cycle, "case_for_change"),
        },
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def inequality_row_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    case = services.case_for_change_for(cycle)
    return _child_form_view(
        request,
        cycle,
        form_class=InequalityRowForm,
        instance=InequalityRow(case_for_change=case),
        save=lambda row: services.inequality_row_save(case=case, row=row, by=request.user),
        partial="inequality_map",
        form_key="row_form",
        success="Inequality map row added.",
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def inequality_row_edit(
    request: HttpRequest, cycle_pk: int, inequality_row_pk: int
) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    row = get_object_or_404(InequalityRow, case_for_change__cycle=cycle, pk=inequality_row_pk)
    case = row.case_for_change
    return _child_form_view(
        request,
        cycle,
        form_class=InequalityRowForm,
        instance=row,
        save=lambda r: services.inequality_row_save(case=case, row=r, by=request.user),
        partial="",
        form_key="row_form",
        success="Inequality map row saved.",
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def inequality_row_delete(
    request: HttpRequest, cycle_pk: int, inequality_row_pk: int
) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    row = get_object_or_404(InequalityRow, case_for_change__cycle=cycle, pk=inequality_row_pk)
    if request.method == "POST":
        services.inequality_row_delete(row=row, by=request.user)
        messages.success(request, "Inequality map row removed.")
        return redirect(_cycle_url(cycle, "case_for_change"))
    return render(
        request,
        "cycles/confirm_delete.html",
        {
            "cycle": cycle,
            "what": f"the inequality map row “{row.group}: {row.indicator}”",
            "back": _cycle_url(cycle, "case_for_change"),
        },
    )


# Theory of change --------------------------------------------------------------------


def _toc_context(request: HttpRequest, cycle: Cycle, **extra) -> dict:
    by_kind: dict[str, list[TheoryOfChangeItem]] = defaultdict(list)
    for item in TheoryOfChangeItem.objects.filter(cycle=cycle).order_by("position", "pk"):
        by_kind[item.kind].append(item)
    parts = [
        {"kind": kind.value, "label": kind.label, "items": by_kind.get(kind.value, [])}
        for kind in TheoryOfChangeKind
    ]
    items = [item for part in parts for item in part["items"]]
    return {
        "cycle": cycle,
        "parts": parts,
        "agreed_count": sum(1 for i in items if i.agreed_on),
        "item_count": len(items),
        "can_edit": _can_edit(request),
        "add_form": extra.pop("add_form", None) or TheoryOfChangeItemForm(),
        "agree_form": extra.pop("agree_form", None)
        or AgreedOnForm(initial={"agreed_on": timezone.localdate()}),
        **extra,
    }


def _toc_response(
    request: HttpRequest, cycle: Cycle, *, errors: bool = False, **extra
) -> HttpResponse:
    return render_section(
        request,
        "cycles/theory_of_change.html",
        _toc_context(request, cycle, **extra),
        partial="toc_body",
        target="#toc-body",
        errors=errors,
    )


@require_GET
@allowed_by(policies.can_view_cycles)
def theory_of_change(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return _toc_response(request, cycle)


@require_POST
@allowed_by(policies.can_edit_cycle)
def toc_item_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = TheoryOfChangeItemForm(request.POST, instance=TheoryOfChangeItem(cycle=cycle))
    if form.is_valid():
        try:
            services.theory_of_change_item_save(cycle=cycle, item=form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if not request.htmx:
                messages.success(request, "Added to the theory of change.")
                return redirect(_cycle_url(cycle, "theory_of_change"))
            return _toc_response(request, cycle)
    return _toc_response(request, cycle, errors=True, add_form=form)


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def toc_item_edit(request: HttpRequest, cycle_pk: int, toc_item_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    item = get_object_or_404(TheoryOfChangeItem, cycle=cycle, pk=toc_item_pk)
    form = TheoryOfChangeItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.theory_of_change_item_save(cycle=cycle, item=form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if request.htmx:
                return _toc_response(request, cycle)
            messages.success(request, "Theory of change saved.")
            return redirect(_cycle_url(cycle, "theory_of_change"))
    status = error_status(request) if form.errors else 200
    template = "cycles/toc_item_form.html"
    if request.htmx:
        template += "#toc_item_form"
    return render(request, template, {"cycle": cycle, "item": item, "form": form}, status=status)


@require_POST
@allowed_by(policies.can_edit_cycle)
def toc_item_move(request: HttpRequest, cycle_pk: int, toc_item_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    item = get_object_or_404(TheoryOfChangeItem, cycle=cycle, pk=toc_item_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, "Choose to move the item up or down.")
        return _toc_response(request, cycle, errors=True)
    services.theory_of_change_item_move(item=item, direction=direction)
    if request.htmx:
        return _toc_response(request, cycle)
    return redirect(_cycle_url(cycle, "theory_of_change") + f"#toc-item-{item.pk}")


@require_POST
@allowed_by(policies.can_edit_cycle)
def toc_item_delete(request: HttpRequest, cycle_pk: int, toc_item_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    item = get_object_or_404(TheoryOfChangeItem, cycle=cycle, pk=toc_item_pk)
    services.theory_of_change_item_delete(item=item)
    if request.htmx:
        return _toc_response(request, cycle)
    messages.success(request, "Removed from the theory of change.")
    return redirect(_cycle_url(cycle, "theory_of_change"))


@require_POST
@allowed_by(policies.can_edit_cycle)
def theory_of_change_agree(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    form = AgreedOnForm(request.POST)
    if not form.is_valid():
        return _toc_response(request, cycle, errors=True, agree_form=form)
    count = services.theory_of_change_agree(cycle=cycle, agreed_on=form.cleaned_data["agreed_on"])
    messages.success(
        request, f"{count} item{'' if count == 1 else 's'} marked as agreed with communities."
    )
    if request.htmx:
        return _toc_response(request, cycle)
    return redirect(_cycle_url(cycle, "theory_of_change"))


# Inclusion prompts -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_view_cycles)
def inclusion_prompts(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    prompts = services.inclusion_prompts_for(cycle)
    can_edit = _can_edit(request)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = InclusionPromptsForm(request.POST or None, instance=prompts) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.inclusion_prompts_update(
                prompts=prompts, by=request.user, answers=form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Inclusion prompts saved.")
            return redirect(_cycle_url(cycle, "inclusion_prompts"))
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "cycles/inclusion_prompts.html",
        {"cycle": cycle, "prompts": prompts, "form": form, "can_edit": can_edit},
        status=status,
    )


# Ethics log --------------------------------------------------------------------------


@require_GET
@allowed_by(policies.can_view_cycles)
def ethics_log(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    today = timezone.localdate()
    entries = list(EthicsLogEntry.objects.filter(cycle=cycle).select_related("owner"))
    for entry in entries:
        entry.overdue = entry.is_review_overdue(today)
    return render(
        request,
        "cycles/ethics_log.html",
        {
            "cycle": cycle,
            "entries": entries,
            "overdue_count": sum(1 for e in entries if e.overdue),
            "can_edit": _can_edit(request),
        },
    )


def _ethics_form_view(request: HttpRequest, cycle: Cycle, entry: EthicsLogEntry) -> HttpResponse:
    adding = entry.pk is None
    form = EthicsLogEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.ethics_entry_save(cycle=cycle, entry=form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "Ethics log entry added." if adding else "Ethics log entry saved."
            )
            return redirect(_cycle_url(cycle, "ethics_log"))
    status = 400 if form.errors else 200
    return render(
        request,
        "cycles/ethics_entry_form.html",
        {"cycle": cycle, "form": form, "entry": entry, "adding": adding},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def ethics_entry_create(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    return _ethics_form_view(request, cycle, EthicsLogEntry(cycle=cycle))


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_cycle)
def ethics_entry_edit(request: HttpRequest, cycle_pk: int, ethics_entry_pk: int) -> HttpResponse:
    cycle = get_cycle_for_request(request, cycle_pk)
    entry = get_object_or_404(EthicsLogEntry, cycle=cycle, pk=ethics_entry_pk)
    return _ethics_form_view(request, cycle, entry)
