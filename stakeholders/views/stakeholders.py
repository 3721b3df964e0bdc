"""The register: the list, a stakeholder's page, adding and editing one, and the cycles
whose map they are on."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.selectors.cycles import get_cycle_for_request
from t2a.forms import add_errors
from t2a.htmx import render_form
from t2a.pagecache import page_cached
from t2a.tenancy import allowed_by
from t2a.text import match_key

from .. import policies
from ..forms.stakeholders import (
    CycleLinkForm,
    SameNameForm,
    StakeholderFilterForm,
    StakeholderForm,
)
from ..models import Stakeholder
from ..selectors.stakeholders import (
    LIST_FIELDS,
    cycle_choices,
    get_stakeholder_for_request,
    relationship_timeline,
    stakeholder_cycle_links,
    stakeholder_search,
    stakeholders_named_like,
    stakeholders_visible_to,
)
from ..services import stakeholders as services
from .cycle_add import back_page, back_to_cycle

PAGE_SIZE = 50


def _to_detail(request: HttpRequest, stakeholder: Stakeholder) -> HttpResponse:
    return redirect("stakeholders:stakeholder_detail", request.organisation.slug, stakeholder.pk)


@require_GET
@allowed_by(policies.can_view_register)
@page_cached
def stakeholder_list(request: HttpRequest) -> HttpResponse:
    form = StakeholderFilterForm(request.GET or None, cycles=cycle_choices(request.membership))
    stakeholders = stakeholders_visible_to(request.membership)
    if form.is_bound and form.is_valid():
        stakeholders = stakeholder_search(stakeholders, **form.search_terms())
    elif form.is_bound:
        stakeholders = stakeholders.none()
    page = Paginator(stakeholders.only(*LIST_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "stakeholders": page.object_list}
    template = "stakeholders/stakeholders/stakeholder_list.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


def _stakeholder_form_page(
    request: HttpRequest,
    form: StakeholderForm,
    stakeholder: Stakeholder | None = None,
    **context,
) -> HttpResponse:
    return render_form(
        request,
        "stakeholders/stakeholders/stakeholder_form.html",
        {"form": form, "stakeholder": stakeholder, **context},
        form=form,
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_stakeholders)
def stakeholder_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    tag = request.GET.get("tag")
    if tag:
        initial["trusted_tags"] = [tag]
    # From a cycle's map (`?cycle=`): the new stakeholder goes straight onto that cycle.
    into = request.GET.get("cycle", "")
    cycle = get_cycle_for_request(request, int(into)) if into.isdigit() else None
    form = StakeholderForm(
        request.POST if request.method == "POST" else None,
        instance=Stakeholder(organisation=request.organisation),
        initial=initial,
    )
    same_name = SameNameForm(request.POST if request.method == "POST" else None)
    matches: list[Stakeholder] = []
    if form.is_bound and form.is_valid() and same_name.is_valid():
        # The same name is a warning, not a refusal: two people can share a name. The
        # member is shown who is already there and saves only once they say it is not them.
        if not same_name.cleaned_data["same_name_confirmed"]:
            name = form.cleaned_data["name"]
            matches = stakeholders_named_like(
                stakeholders_visible_to(request.membership), [name]
            ).get(match_key(name), [])
        if matches:
            form.add_error("name", same_name_message(len(matches)))
        else:
            try:
                stakeholder = services.stakeholder_save_into_cycle(
                    stakeholder=form.build(), cycle=cycle, actor=request.user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if cycle is None:
                    messages.success(request, f"{stakeholder.name} has been added to the register.")
                    return _to_detail(request, stakeholder)
                messages.success(
                    request,
                    f"{stakeholder.name} has been added to the register and to the map for "
                    f"{cycle.title}.",
                )
                return back_to_cycle(request, cycle, back_page(request))
    return _stakeholder_form_page(
        request,
        form,
        same_name=same_name,
        same_name_matches=matches,
        into_cycle=cycle,
        back=back_page(request),
    )


def same_name_message(count: int) -> str:
    if count == 1:
        return (
            "A stakeholder with this name is already on the register. Check it is not the "
            "same person or organisation before adding another."
        )
    return (
        f"{count} stakeholders with this name are already on the register. Check none of "
        "them is the same person or organisation before adding another."
    )


@require_http_methods(["GET", "POST"])
@allowed_by(policies.can_edit_stakeholders)
def stakeholder_edit(request: HttpRequest, stakeholder_pk: int) -> HttpResponse:
    stakeholder = get_stakeholder_for_request(request, stakeholder_pk)
    if stakeholder.is_erased:
        messages.error(request, services.ERASED_READ_ONLY)
        return _to_detail(request, stakeholder)
    form = StakeholderForm(request.POST if request.method == "POST" else None, instance=stakeholder)
    if form.is_bound and form.is_valid():
        try:
            services.stakeholder_save(stakeholder=form.build(), actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Changes to {stakeholder.name} saved.")
            return _to_detail(request, stakeholder)
    return _stakeholder_form_page(request, form, stakeholder)


def _detail_page(
    request: HttpRequest, stakeholder: Stakeholder, *, link_form: CycleLinkForm | None = None
) -> HttpResponse:
    membership = request.membership
    links = stakeholder_cycle_links(stakeholder=stakeholder, membership=membership)
    staff = policies.can_edit_stakeholders(membership)
    context = {
        "stakeholder": stakeholder,
        "links": links,
        "show_contact": policies.can_see_contact_details(membership, stakeholder),
        "can_edit": staff and not stakeholder.is_erased,
        "can_handle_privacy": policies.can_handle_privacy_requests(membership),
        "timeline": relationship_timeline(stakeholder=stakeholder) if staff else [],
        "today": timezone.localdate(),
    }
    if staff:
        linked = {link.cycle_id for link in links}
        context["link_form"] = link_form or CycleLinkForm(
            cycles=[c for c in cycle_choices(membership) if c.pk not in linked]
        )
    return render_form(
        request, "stakeholders/stakeholders/stakeholder_detail.html", context, form=link_form
    )


@require_GET
@allowed_by(policies.can_view_register)
def stakeholder_detail(request: HttpRequest, stakeholder_pk: int) -> HttpResponse:
    return _detail_page(request, get_stakeholder_for_request(request, stakeholder_pk))


@require_POST
@allowed_by(policies.can_edit_stakeholders)
def stakeholder_link_cycle(request: HttpRequest, stakeholder_pk: int) -> HttpResponse:
    stakeholder = get_stakeholder_for_request(request, stakeholder_pk)
    form = CycleLinkForm(request.POST, cycles=cycle_choices(request.membership))
    if not form.is_valid():
        return _detail_page(request, stakeholder, link_form=form)
    cycle = get_cycle_for_request(request, form.cleaned_data["cycle"])
    services.stakeholder_link_cycle(
        stakeholder=stakeholder, cycle=cycle, role=form.cleaned_data["role"]
    )
    messages.success(request, f"{stakeholder.name} is now on the map for {cycle.title}.")
    return _to_detail(request, stakeholder)


@require_POST
@allowed_by(policies.can_edit_stakeholders)
def stakeholder_unlink_cycle(
    request: HttpRequest, stakeholder_pk: int, cycle_pk: int
) -> HttpResponse:
    stakeholder = get_stakeholder_for_request(request, stakeholder_pk)
    cycle = get_cycle_for_request(request, cycle_pk)
    services.stakeholder_unlink_cycle(stakeholder=stakeholder, cycle=cycle)
    messages.success(request, f"{stakeholder.name} has been taken off {cycle.title}.")
    return _to_detail(request, stakeholder)
