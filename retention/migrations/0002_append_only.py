"""The retention records are append-only, like the access log: PostgreSQL refuses UPDATE and DELETE of
a run and of a record (the proof of a clearing outlives what was cleared)."""

from django.db import migrations

SQL = """
CREATE FUNCTION retention_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the retention records are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER retention_retentionrun_append_only
    BEFORE UPDATE OR DELETE ON retention_retentionrun
    FOR EACH ROW EXECUTE FUNCTION retention_refuse_change();

CREATE TRIGGER retention_retentionrecord_append_only
    BEFORE UPDATE OR DELETE ON retention_retentionrecord
    FOR EACH ROW EXECUTE FUNCTION retention_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS retention_retentionrecord_append_only ON retention_retentionrecord;
DROP TRIGGER IF EXISTS retention_retentionrun_append_only ON retention_retentionrun;
DROP FUNCTION IF EXISTS retention_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
