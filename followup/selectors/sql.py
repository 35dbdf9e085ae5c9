"""Small SQL building blocks the follow-up figures are computed with, so that PostgreSQL does the counting.

Nothing here loads rows: each is an expression or an aggregate that goes into one query."""

from django.db.models import Aggregate, DateField, FloatField, Func, IntegerField


class Percentile(Aggregate):
    """`percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`: the continuous percentile with
    linear interpolation between the two nearest values (the median is `fraction=0.5`). NULLs are left
    out, as every SQL aggregate leaves them out; no rows give NULL."""

    function = "percentile_cont"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile is a fraction between 0 and 1")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # The fraction is a number from the code, never input: written into the statement as a literal,
        # because percentile_cont takes its direct argument before WITHIN GROUP.
        return super().as_sql(compiler, connection, fraction=repr(self.fraction), **extra_context)


class DaysBetween(Func):
    """`later - earlier` of two dates: whole days, as PostgreSQL subtracts dates (an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class DaysElapsed(Func):
    """The time from `earlier` to `later` (two moments) in days with their fraction: hours / 24."""

    arg_joiner = " - "
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    output_field = FloatField()


class DayLookup(Func):
    """The day a small table of (team, day) → day gives for the row's team and day, or NULL.

    The table is computed in Python from the calendar (the team's follow-up day on helgfria vardagar,
    `scheduling.calendar`), not from rows: it has one entry per team and day of the period whatever the
    data, and goes to PostgreSQL as three arrays unnested beside the row."""

    output_field = DateField()

    def __init__(self, team, day, *, table: list[tuple[int, object, object]]):
        self.table = table
        super().__init__(team, day)

    def as_sql(self, compiler, connection, **extra_context):
        team_sql, team_params = compiler.compile(self.source_expressions[0])
        day_sql, day_params = compiler.compile(self.source_expressions[1])
        columns = [list(column) for column in zip(*self.table, strict=True)] if self.table else [[], [], []]
        # Only compiled expressions go into the text; the table's values go as parameters.
        lookup = "unnest(%s::bigint[], %s::date[], %s::date[]) AS lookup(team, day, found)"
        sql = f"(SELECT lookup.found FROM {lookup} WHERE lookup.team = {team_sql} AND lookup.day = {day_sql})"  # noqa: S608
        return sql, (*columns, *team_params, *day_params)
