"""How big a post may be, and what a person sees when theirs is bigger.

Django refuses a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` with `RequestDataTooBig` when
something first reads `request.POST` (the CSRF check does, before any view), which ends
as a bare 400 page; and it takes a file of any size, streaming it to a temporary file,
before a form can say it is too big. `UploadLimitMiddleware` looks at the declared length
first and never reads an oversized body: it sends the person back to the page the form
was on, which shows it again under an error summary saying how big a file may be.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

# Room for a form's other fields and the multipart framing around a file, on top of what
# a view declares for the file itself; its form then checks the file's exact size.
FORM_ALLOWANCE = 64 * 1024
# Read and drop at most this much of a refused body before answering (see `_drain`).
DRAIN_AT_MOST = 64 * 1024 * 1024


def upload_limit(max_bytes: int):
    """Declare that a view takes files of at most `max_bytes`: a post well over that is
    refused before it is read, with the same words its form uses (`too_big_message`)."""

    def decorate(view):
        view.upload_limit = max_bytes
        return view

    return decorate


def size_words(size: int) -> str:
    """1048576 -> "1 MB"; 1536 -> "1.5 KB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def too_big_message(max_bytes: int, *, file: bool = True) -> str:
    if file:
        return f"The file is bigger than {size_words(max_bytes)}. Choose a smaller file."
    return f"What you sent is bigger than {size_words(max_bytes)}. Shorten it and try again."


class UploadLimitMiddleware:
    """Refuse a post bigger than its view takes, before anything reads it. Listed before
    CsrfViewMiddleware, whose check is the first to read the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method != "POST":
            return None
        declared = getattr(view_func, "upload_limit", None)
        if declared is None:
            limit, ceiling = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE,) * 2
        else:
            limit, ceiling = declared, declared + FORM_ALLOWANCE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None  # Django reads nothing of a body whose length it cannot tell
        if length <= ceiling:
            return None
        _drain(request, length)
        is_file = request.content_type == "multipart/form-data"
        messages.error(request, too_big_message(limit, file=is_file))
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.get_full_path()
        # Nothing was read or saved, so the page the form was on shows it again, empty,
        # under the error; htmx is asked to load that page whole.
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(back)
        return HttpResponseRedirect(back)


def _drain(request: HttpRequest, length: int) -> None:
    # A server that answers and closes the connection while the browser is still sending
    # can reset it, and the browser then shows its own error instead of the page. So read
    # the rest (and drop it), up to a bound past which the upload is plainly not a person
    # choosing the wrong file.
    if length > DRAIN_AT_MOST:
        return
    while request.read(1024 * 1024):
        pass
