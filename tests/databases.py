"""Test databases under pytest-xdist: migrated once per run, copied for each worker.

pytest-django migrates a test database in every xdist worker (test_t2a_gw0, gw1, ...):
15 s of CPU alone, 40 s each when four workers migrate at once on two cores. Here the
first worker to get the lock migrates a template database, and every worker (that one too)
copies it with CREATE DATABASE ... TEMPLATE, which takes about a second.
"""

import fcntl
import os
import tempfile

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import setup_databases, teardown_databases

# A file lock orders the workers; xdist's run id names the run, so a template left by an
# earlier run (perhaps with other migrations) is migrated again, never reused.
TEMPLATE_SUFFIX = "template"


def _template_lock_path(template_name: str) -> str:
    return os.path.join(tempfile.gettempdir(), f"t2a-{template_name}.lock")


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_modify_db_settings,
    django_db_keepdb,
    django_db_createdb,
):
    """pytest-django's database set-up, with the template copy under xdist on PostgreSQL.

    Outside xdist, or on another database, it is pytest-django's own: migrate once, or
    keep the database between runs with --reuse-db."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    verbosity = request.config.option.verbose
    if not worker or connection.vendor != "postgresql" or len(connections.all()) != 1:
        keepdb = django_db_keepdb and not django_db_createdb
        with django_db_blocker.unblock():
            config = setup_databases(verbosity=verbosity, interactive=False, keepdb=keepdb)
        yield
        if not keepdb:
            with django_db_blocker.unblock():
                if connection.vendor == "postgresql" and len(connections.all()) == 1:
                    _drop(connection.settings_dict["NAME"])
                else:
                    teardown_databases(config, verbosity=verbosity)
        return

    test_settings = connection.settings_dict["TEST"]
    worker_name = test_settings["NAME"]  # test_t2a_gw0: pytest-django added the suffix
    template_name = worker_name.removesuffix(f"_{worker}") + f"_{TEMPLATE_SUFFIX}"
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    with django_db_blocker.unblock(), open(_template_lock_path(template_name), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            lock.seek(0)
            if lock.read().strip() != run:
                test_settings["NAME"] = template_name
                setup_databases(verbosity=verbosity, interactive=False)
                connections.close_all()  # nobody may be connected to a template copied
                lock.seek(0)
                lock.truncate()
                lock.write(run)
                lock.flush()
            else:
                connection.settings_dict["NAME"] = template_name
                test_settings["NAME"] = template_name
            # Copies `NAME` into `NAME_<suffix>`: test_t2a_template_gw0.
            connection.creation.clone_test_db(suffix=worker, verbosity=verbosity, keepdb=False)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    clone = connection.creation.get_test_db_clone_settings(worker)
    connection.settings_dict.update(clone)
    test_settings["NAME"] = clone["NAME"]
    settings.DATABASES[connection.alias]["NAME"] = clone["NAME"]
    connection.close()
    yield
    with django_db_blocker.unblock():
        _drop(clone["NAME"])


def _drop(name: str) -> None:
    connections.close_all()
    # FORCE: a live server's thread, or a worker killed by a test, may still be connected.
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")
