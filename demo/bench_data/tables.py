"""Rows buffered per table and written with COPY, with ids handed out here so that rows can point at
each other before anything is written (the sequences are moved past them at the end)."""

import json
from collections import Counter

from django.db import IntegrityError, connection
from django.db.models import NOT_PROVIDED, JSONField


class Table:
    """One model's table: `add(**values)` returns the new row's id; columns not given take the field's
    constant default (a callable default must be given)."""

    def __init__(self, model, writer: "Writer"):
        self.model = model
        self.writer = writer
        self.name = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.json = {f.attname for f in self.fields if isinstance(f, JSONField)}
        self.defaults = {}
        for f in self.fields:
            if f.primary_key:
                continue
            if f.default is not NOT_PROVIDED and not callable(f.default):
                self.defaults[f.attname] = f.default
            elif f.null:
                self.defaults[f.attname] = None
            elif f.blank and f.get_internal_type() in ("CharField", "TextField", "EmailField"):
                self.defaults[f.attname] = ""
        self.attnames = [f.attname for f in self.fields]
        self.rows: list[tuple] = []
        self.next_id = None

    def start_ids(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{self.name}"')  # noqa: S608 - a model's table
            self.next_id = cursor.fetchone()[0] + 1

    def reserve(self) -> int:
        """An id for a row added later (a case is written once its last state is known)."""
        row_id = self.next_id
        self.next_id += 1
        return row_id

    def add(self, **values) -> int:
        if "id" not in values:
            values["id"] = self.reserve()
        row_id = values["id"]
        row = []
        for name in self.attnames:
            value = values[name] if name in values else self.defaults[name]
            if name in self.json:
                value = json.dumps(value)
            row.append(value)
        self.rows.append(tuple(row))
        return row_id

    def flush(self, cursor) -> int:
        if not self.rows:
            return 0
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with cursor.copy(f'COPY "{self.name}" ({columns}) FROM STDIN') as copy:
            for row in self.rows:
                copy.write_row(row)
        written = len(self.rows)
        self.rows.clear()
        return written

    def move_sequence(self, cursor) -> None:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{self.name}\"', 'id'), "  # noqa: S608 - a model's table
            f'(SELECT coalesce(max(id), 1) FROM "{self.name}"))'
        )


class Writer:
    """The tables of one generation run, flushed together (one transaction per flush: every foreign key
    of a chunk of cases points inside the chunk or at rows already written)."""

    def __init__(self, models):
        self.tables = {model: Table(model, self) for model in models}
        for table in self.tables.values():
            table.start_ids()
        self.first_ids = {table.name: table.next_id for table in self.tables.values()}
        self.written = Counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            # Only a superuser may skip the triggers; anyone else loads with the foreign keys checked per row.
            self.unchecked = bool(cursor.fetchone()[0])

    def __getitem__(self, model) -> Table:
        return self.tables[model]

    def flush(self) -> None:
        with connection.cursor() as cursor:
            if self.unchecked:
                # Foreign keys are checked by triggers, one query per row and key at the commit: most of
                # the load's time. They are left out here and checked set-wise at the end (`verify`);
                # CHECK, UNIQUE and NOT NULL constraints are enforced on every row as always.
                cursor.execute("SET LOCAL session_replication_role = replica")
            for table in self.tables.values():
                self.written[table.name] += table.flush(cursor)

    def finish(self) -> None:
        self.flush()
        with connection.cursor() as cursor:
            for table in self.tables.values():
                table.move_sequence(cursor)
            if not self.unchecked:
                # The deferred foreign keys are checked now, not at a commit the caller may make much later.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if self.unchecked:
            self.verify()
            if any(table.name == "cases_accesslog" for table in self.tables.values()):
                # Replica mode skipped the access log's chain trigger: chain the rows loaded.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT cases_accesslog_rechain()")

    def verify(self) -> None:
        """Every foreign key of the rows written points at a row (each constraint in pg_constraint, the
        composite one of the decision's legal basis too), as one anti-join per constraint."""
        names = list(self.first_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
                       array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                       array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
                FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
                """,
                [names],
            )
            broken = []
            for name, child, parent, columns, targets in cursor.fetchall():
                present = " AND ".join(f'c."{col}" IS NOT NULL' for col in columns)
                match = " AND ".join(f'p."{t}" = c."{col}"' for col, t in zip(columns, targets, strict=True))
                cursor.execute(
                    f'SELECT count(*) FROM "{child}" c WHERE c.id >= %s AND {present} '  # noqa: S608 - catalogue names
                    f'AND NOT EXISTS (SELECT 1 FROM "{parent}" p WHERE {match})',
                    [self.first_ids[child]],
                )
                if missing := cursor.fetchone()[0]:
                    broken.append(f"{name}: {missing} rows of {child}")
        if broken:
            raise IntegrityError("foreign keys without their row: " + "; ".join(broken))
