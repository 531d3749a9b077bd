"""The project search's trigram indexes (PostgreSQL): they match the SQL the search makes."""

import pytest
from django.db import connection

from adoption.filters import ProjectFilter
from adoption.models import Project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: make an index the only way
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("term", ["chatbot", "ImmD-2026", "簽證查詢"])
def test_the_search_can_use_the_trigram_index_of_each_column(term):
    searched = ProjectFilter(data={"q": term}, queryset=Project.objects.all()).qs.order_by()
    plan = plan_of(searched)
    assert all(f"project_search_{column}" in plan for column in ("code", "title_en", "title_zh_hant")), plan
