"""The permission-matrix helper: declare, per view, which roles may GET and POST.

    assert_role_matrix(client_for, users, url, get=STAFF, post={Role.ADMIN}, data={...})

Every role not allowed must get 403 (or 404 where the object itself is hidden from it);
every allowed role must get through the permission check (any status below 500 other
than 403/404: a page, a redirect or a form error). `url` may be a callable taking the
role, so destructive POSTs can act on a fresh object per role.
"""

from collections.abc import Callable, Iterable

from t2a.models import Role

ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.ENGAGEMENT_LEAD})
DENIED = {403, 404}


def _status(client, method: str, url: str, data: dict | None, htmx: bool) -> int:
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "get":
        return client.get(url, headers=headers).status_code
    return client.post(url, data or {}, headers=headers).status_code


def assert_role_matrix(
    client_for: Callable,
    users: dict,
    url: str | Callable[[Role], str],
    *,
    get: Iterable[Role] | None = None,
    post: Iterable[Role] | None = None,
    data: dict | Callable[[Role], dict] | None = None,
    htmx: bool = False,
) -> dict[tuple[str, str], int]:
    if get is None and post is None:
        raise ValueError("Declare at least one of get= or post=.")
    seen: dict[tuple[str, str], int] = {}
    wrong = []
    for method, allowed in (("get", get), ("post", post)):
        if allowed is None:
            continue
        allowed = frozenset(allowed)
        for role in Role:
            target = url(role) if callable(url) else url
            payload = data(role) if callable(data) else data
            status = _status(client_for(users[role]), method, target, payload, htmx)
            seen[(role.value, method)] = status
            if status >= 500:
                wrong.append(f"{role.label} {method.upper()} {target}: server error {status}")
            elif role in allowed and status in DENIED:
                wrong.append(f"{role.label} {method.upper()} {target}: denied ({status})")
            elif role not in allowed and status not in DENIED:
                wrong.append(f"{role.label} {method.upper()} {target}: allowed ({status})")
    assert not wrong, "Permission matrix broken:\n" + "\n".join(wrong)
    return seen
