"""Create the PostgreSQL database named in DATABASE_URL if it does not exist yet (so that `make run` with a
fresh server needs no manual createdb). Does nothing on SQLite."""
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it is missing."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            return
        import psycopg
        from psycopg import sql

        params = connection.get_connection_params()
        name = params.pop("dbname", None) or connection.settings_dict["NAME"]
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params["dbname"] = "postgres"
        with psycopg.connect(**params, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(f"created database {name}")
