import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql


def databases() -> set[str]:
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    with connection.Database.connect(**params, autocommit=True) as server:
        return {row[0] for row in server.execute("SELECT datname FROM pg_database")}


def drop(name: str) -> None:
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    with connection.Database.connect(**params, autocommit=True) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.mark.django_db
def test_make_run_creates_a_missing_database_once(monkeypatch):
    """`make run` on a PostgreSQL that has never seen T2A: the database is made, and a
    second run leaves it alone."""
    name = f"t2a_fresh_{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(connection.settings_dict, "NAME", name)
    try:
        first, second = StringIO(), StringIO()
        call_command("database_create", stdout=first)
        assert name in databases()
        call_command("database_create", stdout=second)
        assert f"Created database {name}." in first.getvalue()
        assert f"Database {name} is there." in second.getvalue()
    finally:
        drop(name)
    assert name not in databases()
