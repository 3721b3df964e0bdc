"""Every request that changes what an organisation's pages show moves its data version on.

Pages and panels are cached under the organisation's data version (t2a/pagecache.py,
t2a/services/versions.py): a change that forgot to move the version on would leave every
cached page showing the data from before it. This plugin watches each request every test
makes, through the test client or a browser against the live server: when a request
writes to a table whose rows pages show (the stage apps' tables and memberships) and does
not move its organisation's version on in the same request, the test fails, naming the
request and the tables.

Background work (reminder sweeps, report renders) is not a request: its services are
covered by the invalidation tests of the pages that show what it writes.
"""

import re
import threading

import pytest
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db import connections

STAGE_APPS = ("cycles", "stakeholders", "feedback", "actions")
# Rows of the platform app that pages show beside the stage apps' own.
PLATFORM_SHOWN = ("t2a.Membership",)
# Stage-app rows no cached page shows, and why.
NOT_SHOWN = {
    "cycles.Report": "the reports page is drawn afresh on every request: a worker moves "
    "a report on as it renders, outside any request",
}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
BUMP = re.compile(r'^\s*UPDATE\s+"t2a_organisation"\s+SET\s+"data_version"', re.IGNORECASE)
# Deleting the organisation takes every page of it away.
GONE = re.compile(r'^\s*DELETE\s+FROM\s+"t2a_organisation"', re.IGNORECASE)
# A member's count of unread notifications (t2a.services.notifications.unread_recount) is
# part of the key of every page it shows in (t2a.pagecache.page_key), so a recount moves
# that member's pages on by itself and must not move everyone's.
UNREAD_RECOUNT = re.compile(
    r'^\s*UPDATE\s+"t2a_membership"\s+SET\s+"unread_notifications"\s*=\s*COALESCE\(\(SELECT',
    re.IGNORECASE,
)

_state = threading.local()
_violations: list[str] = []
_lock = threading.Lock()


def shown_tables() -> set[str]:
    tables = {
        model._meta.db_table
        for label in STAGE_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    tables |= {apps.get_model(label)._meta.db_table for label in PLATFORM_SHOWN}
    return tables - {apps.get_model(label)._meta.db_table for label in NOT_SHOWN}


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    statements = getattr(_state, "statements", None)
    if statements is not None:
        # Writes that changed no row (a conditional update that lost) change nothing.
        rowcount = getattr(context.get("cursor"), "rowcount", -1)
        statements.append((sql, rowcount))
    return result


# Markers in the list of statements for a transaction's end (commit and rollback run on
# the connection, not through a cursor, so the wrapper above never sees them).
COMMITTED = ("-- committed", -1)
ROLLED_BACK = ("-- rolled back", -1)


def _kept(statements: list) -> list[str]:
    """The statements whose effects stand: those of a transaction rolled back, or after a
    savepoint rolled back to, go."""
    kept: list[str] = []
    savepoints: dict[str, int] = {}
    committed = 0
    for sql, rowcount in statements:
        words = sql.split()
        if (sql, rowcount) == COMMITTED:
            committed = len(kept)
        elif (sql, rowcount) == ROLLED_BACK:
            del kept[committed:]
        elif words[:1] == ["SAVEPOINT"]:
            savepoints[words[1]] = len(kept)
        elif words[:3] == ["ROLLBACK", "TO", "SAVEPOINT"] and words[3] in savepoints:
            del kept[savepoints[words[3]] :]
        elif rowcount != 0:
            kept.append(sql)
    return kept


def _started(sender, environ=None, **kwargs):
    _state.statements = []
    _state.request = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
    connection = connections["default"]
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)
    if not getattr(connection, "_versions_guard_ends", False):
        connection._versions_guard_ends = True
        connection._commit = _marking(connection._commit, COMMITTED)
        connection._rollback = _marking(connection._rollback, ROLLED_BACK)


def _marking(end, marker):
    def wrapper():
        result = end()
        statements = getattr(_state, "statements", None)
        if statements is not None:
            statements.append(marker)
        return result

    return wrapper


def _finished(sender, **kwargs):
    statements = getattr(_state, "statements", None)
    _state.statements = None
    if not statements:
        return
    shown = _state.shown
    written = set()
    bumped = False
    for sql in _kept(statements):
        if BUMP.match(sql) or GONE.match(sql):
            bumped = True
            continue
        if UNREAD_RECOUNT.match(sql):
            continue
        match = WRITE.match(sql)
        if match and match.group(1) in shown:
            written.add(match.group(1))
    if written and not bumped:
        with _lock:
            _violations.append(
                f"{_state.request} wrote {', '.join(sorted(written))} without moving the "
                "organisation's data version on"
            )


@pytest.fixture(autouse=True, scope="session")
def _versions_guard_connect():
    tables = shown_tables()

    def started(sender, environ=None, **kwargs):
        _state.shown = tables
        _started(sender, environ=environ or {}, **kwargs)

    request_started.connect(started, dispatch_uid="versions_guard_started", weak=False)
    request_finished.connect(_finished, dispatch_uid="versions_guard_finished", weak=False)
    yield
    request_started.disconnect(dispatch_uid="versions_guard_started")
    request_finished.disconnect(dispatch_uid="versions_guard_finished")


@pytest.fixture(autouse=True)
def _versions_guard():
    with _lock:
        _violations.clear()
    yield
    with _lock:
        found = list(_violations)
        _violations.clear()
    if found:
        pytest.fail("A change did not move the data version on:\n" + "\n".join(found))
