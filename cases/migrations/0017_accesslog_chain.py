"""The access log nobody can change (issue 12): the database stamps each row's time and chains it to the
row before with SHA-256; the owner may delete only rows older than five years (retention). Existing rows
are chained here, in id order."""


from django.db import migrations, models


# The lock that orders the chain: one writer at a time appends, from taking it to its commit.
CHAIN_LOCK = 7_301_452_017

SQL = f"""
CREATE FUNCTION cases_accesslog_owner() RETURNS name LANGUAGE sql STABLE AS $$
    SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'cases_accesslog'::regclass
$$;

-- What a row's hash covers: the previous row's hash and every field of the row but its own hash.
CREATE FUNCTION cases_accesslog_row_hash(r cases_accesslog) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(concat_ws(',',
        quote_nullable(r.prev_hash), r.id,
        quote_nullable(to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')),
        r.user_id, r.municipality_id, r.client_id, quote_nullable(r.case_id),
        quote_nullable(r.what), quote_nullable(r.unit), quote_nullable(r.path),
        quote_nullable(host(r.ip_address)), r.denied
    ), 'UTF8')), 'hex')
$$;

-- On insert: take the chain's lock, give the row the next id (so ids follow the chain), stamp the time
-- unless the owner writes (seeding history), and link the row to the last one.
CREATE FUNCTION cases_accesslog_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    NEW.id := nextval(pg_get_serial_sequence('cases_accesslog', 'id'));
    IF current_user <> cases_accesslog_owner() THEN
        NEW.at := clock_timestamp();
    END IF;
    NEW.prev_hash := coalesce((SELECT hash FROM cases_accesslog ORDER BY id DESC LIMIT 1), '');
    NEW.hash := cases_accesslog_row_hash(NEW);
    RETURN NEW;
END;
$$;

CREATE TRIGGER cases_accesslog_chain BEFORE INSERT ON cases_accesslog
    FOR EACH ROW EXECUTE FUNCTION cases_accesslog_chain();

-- Append-only, with one exception: the owner's retention deletes rows older than five years.
CREATE OR REPLACE FUNCTION cases_accesslog_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = cases_accesslog_owner()
       AND OLD.at < now() - interval '5 years' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the access log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

-- Chain the rows without a hash, in id order, after the last row that has one: the rows already there
-- now, and later rows a superuser loaded in replica mode, which skips triggers (seed_bench). Only the
-- owner may run it: it sets the update trigger aside while it works.
CREATE FUNCTION cases_accesslog_rechain() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE r cases_accesslog; previous text; chained bigint := 0;
BEGIN
    SELECT hash INTO previous FROM cases_accesslog
        WHERE hash <> '' AND id < (SELECT min(id) FROM cases_accesslog WHERE hash = '')
        ORDER BY id DESC LIMIT 1;
    previous := coalesce(previous, '');
    ALTER TABLE cases_accesslog DISABLE TRIGGER cases_accesslog_append_only;
    FOR r IN SELECT * FROM cases_accesslog WHERE hash = '' ORDER BY id LOOP
        r.prev_hash := previous;
        previous := cases_accesslog_row_hash(r);
        UPDATE cases_accesslog SET prev_hash = r.prev_hash, hash = previous WHERE id = r.id;
        chained := chained + 1;
    END LOOP;
    ALTER TABLE cases_accesslog ENABLE TRIGGER cases_accesslog_append_only;
    RETURN chained;
END;
$$;
REVOKE EXECUTE ON FUNCTION cases_accesslog_rechain() FROM PUBLIC;
SELECT cases_accesslog_rechain();
"""

REVERSE = """
DROP FUNCTION IF EXISTS cases_accesslog_rechain();
DROP TRIGGER IF EXISTS cases_accesslog_chain ON cases_accesslog;
DROP FUNCTION IF EXISTS cases_accesslog_chain();
DROP FUNCTION IF EXISTS cases_accesslog_row_hash(cases_accesslog);
CREATE OR REPLACE FUNCTION cases_accesslog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP FUNCTION IF EXISTS cases_accesslog_owner();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_unit_manager_led_teams"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslog",
            name="denied",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="accesslog",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="accesslog",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
