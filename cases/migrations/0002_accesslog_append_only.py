"""The access log is append-only, enforced by PostgreSQL: UPDATE and DELETE raise an error."""

from django.db import migrations

SQL = """
CREATE FUNCTION cases_accesslog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_accesslog_append_only
    BEFORE UPDATE OR DELETE ON cases_accesslog
    FOR EACH ROW EXECUTE FUNCTION cases_accesslog_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS cases_accesslog_append_only ON cases_accesslog;
DROP FUNCTION IF EXISTS cases_accesslog_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
