"""The database itself refuses to change the access log.

PostgreSQL: a trigger refuses UPDATE and DELETE, with two exceptions: the actor's
foreign key may become NULL when nothing else changes (deleting a user), and DELETE is
let through while the transaction-local setting ``audit.prune`` is ``on``, which only
``audit.services.access_log_prune`` switches on. TRUNCATE is not covered (it is an
owner's operation; the hash chain shows it).

SQLite: a trigger refuses UPDATE with the same exception. It does not guard DELETE,
because Django's test flush empties tables with DELETE there; the app refuses deletes
and the hash chain shows a removed row.
"""

from django.db import migrations

TABLE = "audit_accesslogentry"
# Every column but actor_id, for "nothing else changes".
OTHER_COLUMNS = (
    "id",
    "seq",
    "at",
    "actor_key",
    "actor_label",
    "actor_role",
    "organisation_id",
    "subject_key",
    "subject_mantelzorger_id",
    "subject_user_id",
    "subject_request_id",
    "what",
    "object_ref",
    "client_ip",
    "user_agent",
    "prev_hash",
    "hash",
)

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION audit_accesslog_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kept {TABLE}%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('audit.prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'The access log is append-only: DELETE refused (audit.services.access_log_prune is the one way)';
    END IF;
    kept := NEW;
    kept.actor_id := OLD.actor_id;
    IF NEW.actor_id IS NULL AND kept IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The access log is append-only: UPDATE refused';
END;
$$;
CREATE TRIGGER audit_accesslogentry_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_guard();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_accesslogentry_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_accesslog_guard();
"""

_same = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in OTHER_COLUMNS)
SQLITE_UP = f"""
CREATE TRIGGER audit_accesslogentry_no_update BEFORE UPDATE ON {TABLE}
WHEN NOT (NEW.actor_id IS NULL AND {_same})
BEGIN
    SELECT RAISE(ABORT, 'The access log is append-only: UPDATE refused');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update;"


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
