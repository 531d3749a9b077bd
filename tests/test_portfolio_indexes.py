"""The dashboard's indexes (PostgreSQL) match the SQL the portfolio figures make: a change to a
segment's condition or to an index that parts them shows here, not as a slow dashboard."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adoption.models import Project
from reports.portfolio import portfolio_figures

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def plans_of_the_figure_queries() -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        portfolio_figures(Project.objects.all())
    plans = []
    with connection.cursor() as cursor:
        # The test tables are tiny: leave the planner no way but an index, in order where one is needed.
        for method in ("seqscan", "bitmapscan", "sort", "hashagg"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.parametrize(
    "index",
    [
        "project_longest_in_stage",  # the stalled list, in order
        "project_gate_due",  # the gates-due list, in order
        "project_in_operation",  # the cycle time of the last stage
        "stage_period_cycle_days",  # the cycle times of the four gates, in order
    ],
)
def test_a_figure_query_reads_the_index_made_for_it(index):
    plans = plans_of_the_figure_queries()
    assert any(index in plan for plan in plans), "\n\n".join(plans)


def test_the_connection_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
