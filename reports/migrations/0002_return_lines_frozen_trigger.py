"""On PostgreSQL, the database itself refuses UPDATE and DELETE on quarterly return lines."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reports_returnline_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'reports_returnline is frozen: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_returnline_frozen ON reports_returnline;
CREATE TRIGGER reports_returnline_frozen
    BEFORE UPDATE OR DELETE ON reports_returnline
    FOR EACH ROW EXECUTE FUNCTION reports_returnline_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS reports_returnline_frozen ON reports_returnline;
DROP FUNCTION IF EXISTS reports_returnline_frozen();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_quarterly_returns")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
