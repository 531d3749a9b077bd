"""Trigram indexes for the project list's free-text search, on PostgreSQL only.

The search is ``icontains`` on the code and both titles, which PostgreSQL runs as
``UPPER(column::text) LIKE UPPER('%…%')``: a GIN trigram index on that same expression answers
it for a term of three characters or more (Chinese included) instead of reading every project.
Without the ``pg_trgm`` extension (a database user that may not create it) the search still
works, only slower, and the migration says so.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

SEARCHED_COLUMNS = ("code", "title_en", "title_zh_hant")


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning("pg_trgm is not available (%s): the project search works without its indexes.", error)
        return
    with connection.cursor() as cursor:
        for column in SEARCHED_COLUMNS:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS project_search_{column} ON adoption_project "
                f"USING gin (UPPER({column}::text) gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in SEARCHED_COLUMNS:
            cursor.execute(f"DROP INDEX IF EXISTS project_search_{column}")


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0003_project_portfolio_covering_index"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
