"""Inserting many rows: PostgreSQL ``COPY`` where available, ``bulk_create`` elsewhere.

Opening a round writes a line per project (100,000 in the benchmark); an import of 10,000
projects some 150,000 rows (projects, stage periods, checklist items, audit rows).
Multi-row INSERTs cost seconds of Python per table at that size; COPY,
fed by psycopg's C adapters, a fraction. Project ids are taken from the sequence first, so
the rows that refer to them can be written the same way. Each COPY is one query, logged as
such.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import JSONField

BULK_CREATE_BATCH = 2000


def reserve_ids(model, count: int) -> list[int]:
    """``count`` new primary keys of ``model`` from its PostgreSQL sequence, in one query."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(model, attnames: list[str], rows: list[tuple]) -> None:
    """Write plain rows (values of ``attnames``, in order), without building model instances."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(attnames, row, strict=True))) for row in rows], batch_size=BULK_CREATE_BATCH
        )
        return
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    json_fields = [index for index, field in enumerate(fields) if isinstance(field, JSONField)]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            if json_fields:
                row = list(row)
                for index in json_fields:
                    row[index] = json.dumps(row[index], cls=DjangoJSONEncoder, ensure_ascii=False)
            copy.write_row(row)


def insert(model, objects: list, *, with_ids: bool = False) -> None:
    """Write ``objects`` (unsaved instances). ``with_ids``: their primary keys are already set."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BULK_CREATE_BATCH)
        return
    fields = [field for field in model._meta.concrete_fields if with_ids or not field.primary_key]
    json_fields = {index for index, field in enumerate(fields) if isinstance(field, JSONField)}
    attnames = [field.attname for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for obj in objects:
            row = [getattr(obj, name) for name in attnames]
            for index in json_fields:
                row[index] = json.dumps(row[index], cls=DjangoJSONEncoder, ensure_ascii=False)
            copy.write_row(row)
