"""Database functions the portfolio queries need, for PostgreSQL and SQLite."""

from django.db.models import Func, IntegerField


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two datetimes), rounded down."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        # DATE_PART's double precision is several times faster than EXTRACT's numeric.
        return self.as_sql(
            compiler,
            connection,
            template="FLOOR((DATE_PART('epoch', %(expressions)s)) / 86400)::integer",
            arg_joiner=") - DATE_PART('epoch', ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(FLOOR(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class DaysBetweenDates(Func):
    """Days from ``start`` to ``end`` (two dates)."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
