"""Cross-cutting only: stamp history rows with the audit context, and make history tables append-only in the
database itself (a trigger refuses UPDATE and DELETE), so not even an administrator with a SQL shell through Django
can rewrite the past by accident."""
import logging

from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .audit import current

log = logging.getLogger(__name__)


@receiver(pre_create_historical_record)
def stamp_history(sender, instance, history_instance, **kwargs):
    ctx = current()
    if ctx is None:
        return
    if history_instance.history_user_id is None and ctx.user is not None:
        history_instance.history_user = ctx.user
    history_instance.request_id = ctx.request_id
    history_instance.channel = ctx.channel


def history_tables() -> list[str]:
    tables = [m._meta.db_table for m in apps.get_models() if m.__name__.startswith("Historical")
              and hasattr(m, "history_id")]
    tables += ["casework_caseevent", "casework_piiaccess"]
    return sorted(set(tables))


@receiver(post_migrate)
def install_append_only_triggers(sender, using="default", **kwargs):
    if sender.name != "casework":
        return
    from django.db import connections

    conn = connections[using]
    existing = set(conn.introspection.table_names())
    with conn.cursor() as cur:
        for table in history_tables():
            if table not in existing:
                continue
            if conn.vendor == "postgresql":
                cur.execute("""
                    CREATE OR REPLACE FUNCTION casework_append_only() RETURNS trigger AS $$
                    BEGIN RAISE EXCEPTION 'audit history is append-only'; END; $$ LANGUAGE plpgsql;""")
                cur.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON "{table}"')
                # Row-level UPDATE and DELETE are refused. TRUNCATE (test database flushes) is a table-level
                # operation that only the database owner can run.
                cur.execute(f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}" '
                            f"FOR EACH ROW EXECUTE FUNCTION casework_append_only()")
            elif conn.vendor == "sqlite":
                # SQLite: UPDATE is refused. DELETE stays possible at the SQL level because Django's test flush
                # uses it; the ORM refuses it (HistoryBase.delete, CaseEvent.delete).
                cur.execute(f'DROP TRIGGER IF EXISTS {table}_append_only')
                cur.execute(f'CREATE TRIGGER {table}_append_only BEFORE UPDATE ON "{table}" '
                            f"BEGIN SELECT RAISE(ABORT, 'audit history is append-only'); END")


ROLE_GROUPS = ["worker", "worker_rep", "informant", "employer_user", "general_contractor_user", "intake_officer",
               "inspector", "inspection_head", "mediator", "arbitration_clerk", "arbitrator", "arbitration_chair",
               "credit_officer", "publisher", "grading_officer", "police_liaison", "procuratorate_liaison",
               "auditor", "sysadmin"]

# Model-level permissions per role (for the admin). Case reach is per region (guardian), never per case.
CONFIG_MODELS = [("casework", "holiday"), ("casework", "calendarcoverage"), ("casework", "deadlinerule"),
                 ("casework", "legalparameter"), ("casework", "region"), ("arrears", "minimumwagestandard"),
                 ("arrears", "criminalthreshold"), ("disputes", "arbitrationcommission"),
                 ("disputes", "mediationbody")]


@receiver(post_migrate)
def ensure_role_groups(sender, using="default", **kwargs):
    # post_migrate is sent once per app, and each app's permissions are created in its own turn: run again for
    # every app that owns a configuration model, so that arrears' permissions (created after casework's turn) are
    # granted too. Idempotent.
    if sender.name not in {app for app, _ in CONFIG_MODELS}:
        return
    from django.contrib.auth.models import Group, Permission

    for name in ROLE_GROUPS:
        Group.objects.using(using).get_or_create(name=name)
    sysadmin = Group.objects.using(using).get(name="sysadmin")
    perms = Permission.objects.using(using).filter(
        content_type__app_label__in={a for a, _ in CONFIG_MODELS},
        content_type__model__in={m for _, m in CONFIG_MODELS}).exclude(codename__startswith="delete_")
    sysadmin.permissions.add(*perms)
    # After a flush (e.g. between transactional tests) the reference data loaded by migration 0002 is gone: load
    # it again, so that a flushed database is still a working one.
    from django.apps import apps as global_apps

    if not global_apps.get_model("casework", "Region").objects.using(using).exists():
        from .reference_data import load_all

        load_all(global_apps.get_model)
