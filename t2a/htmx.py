"""How pages answer: the status of a page whose form has errors (for htmx too), and
sections redrawn whole."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget


def error_status(request: HttpRequest) -> int:
    """400 for a full page with form errors; 200 for an htmx partial, because htmx does
    not swap 4xx responses and the person would never see the error messages."""
    return 200 if request.htmx else 400


def render_form(
    request: HttpRequest, template: str, context: dict, *, form=None, forms=()
) -> HttpResponse:
    """Render a page holding `form` (or `forms`): 400 when one of them was sent and has
    errors (200 for htmx, see `error_status`), 200 otherwise."""
    sent = [f for f in (form, *forms) if f is not None]
    failed = any(f.is_bound and f.errors for f in sent)
    return render(request, template, context, status=error_status(request) if failed else 200)


def render_section(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    partial: str,
    target: str,
    errors: bool = False,
) -> HttpResponse:
    """The whole page, or for htmx only its `partial` swapped over `target`.

    An item's edit form targets that item; once saved (or refused as a whole), the
    section is redrawn, because counts and buttons around the items change with it.
    """
    if request.htmx:
        template = f"{template}#{partial}"
    status = error_status(request) if errors else 200
    response = render(request, template, context, status=status)
    if request.htmx:
        retarget(response, target)
        reswap(response, "outerHTML")
    return response
