"""Create the PostgreSQL database that DATABASE_URL names, if it does not exist yet.

`make run` calls it before `migrate`, so the app also starts on a machine whose PostgreSQL
has never seen T2A when DATABASE_URL points there. It connects to the server's
maintenance database with the same user, host and port; a database that already exists
is left alone.
"""

from django.core.management.base import BaseCommand
from django.db import connection
from psycopg import errors, sql

MAINTENANCE_DATABASE = "postgres"


class Command(BaseCommand):
    help = "Create the PostgreSQL database DATABASE_URL names, if it is missing."
    # The model checks ask the database for its version, which needs the database.
    requires_system_checks = []

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            # SQLite (the default without DATABASE_URL) makes its file on first use.
            self.stdout.write(f"Nothing to create for {connection.vendor}.")
            return
        name = connection.settings_dict["NAME"]
        params = connection.get_connection_params()
        params["dbname"] = MAINTENANCE_DATABASE
        with connection.Database.connect(**params, autocommit=True) as server:
            exists = server.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists:
                self.stdout.write(f"Database {name} is there.")
                return
            try:
                server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except errors.DuplicateDatabase:
                return  # made meanwhile by another process
        self.stdout.write(self.style.SUCCESS(f"Created database {name}."))
