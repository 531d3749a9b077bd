"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the audit trail."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION lifecycle_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'lifecycle_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS lifecycle_auditevent_append_only ON lifecycle_auditevent;
CREATE TRIGGER lifecycle_auditevent_append_only
    BEFORE UPDATE OR DELETE ON lifecycle_auditevent
    FOR EACH ROW EXECUTE FUNCTION lifecycle_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS lifecycle_auditevent_append_only ON lifecycle_auditevent;
DROP FUNCTION IF EXISTS lifecycle_auditevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No parameters: the "%" of RAISE's format string must reach PostgreSQL as it is.
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
