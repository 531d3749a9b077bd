"""The management dashboard at scale: `python -m benchmarks.dashboard [--projects 100000] [--runs 20]`.

For three scopes — all B/Ds, one bureau (and its departments), one B/D — it prints the median
server time of `GET /dashboard/` (the whole request: session, filters, figures, charts, template)
with the figures cache off and on, the number of queries, and the time of one hand-written SQL
statement computing the same figures, with the ratio of the two. Targets: cache off ≤ 250 ms
and within 3× of the SQL; cache on ≤ 30 ms. The SQL's answers are checked against the
dashboard's, so the comparison is like for like; like the dashboard, the SQL reads the days the
transitions keep (``StagePeriod.days``, ``Project.days_to_operation``): the tests check those
against the timestamps and the audit trail.

Charts are drawn once per distinct data and kept in the cache under a hash of that data (see
``reports.charts``): "cache off" turns off the figures cache, so every run computes every figure,
and the charts come from that content-addressed store. ``server_ms_cold`` (no cache at all:
every chart drawn by matplotlib) is printed for information, without a target.

Needs PostgreSQL (`DATABASE_URL`) and, for the cache-on runs, Redis (`REDIS_URL`).
"""

import json
import statistics
import time
from contextlib import contextmanager

from benchmarks.common import Report, arguments, ensure_demo, median_ms, require_postgres, setup_django

TARGET_CACHE_OFF_MS = 250
TARGET_CACHE_ON_MS = 30
TARGET_SQL_RATIO = 3
BUREAU, DEPARTMENT = "SB", "ImmD"
COLD_RUNS = 3

SQL = """
WITH units AS (SELECT id FROM adoption_orgunit WHERE path LIKE %(path)s),
projects AS NOT MATERIALIZED (
    SELECT p.*,
           CASE p.stage WHEN 'identify' THEN p.target_identify_date WHEN 'search' THEN p.target_search_date
                WHEN 'vendor_selection' THEN p.target_vendor_selection_date
                WHEN 'test_validate' THEN p.target_test_validate_date
                WHEN 'deploy_improve' THEN p.target_deploy_improve_date END AS gate_target,
           (p.stage = 'deploy_improve' AND p.in_operation_since IS NOT NULL) AS in_operation,
           p.stage IN ('identify', 'search', 'vendor_selection', 'test_validate', 'deploy_improve') AS active
    FROM adoption_project p WHERE p.bd_id IN (SELECT id FROM units)
),
flagged AS NOT MATERIALIZED (
    SELECT p.*,
           p.active AND NOT p.in_operation AND p.stage_entered_at < %(stalled_before)s AS stalled,
           p.in_operation AND p.next_periodic_review_due < %(today)s AS overdue,
           p.active AND NOT p.in_operation AND p.gate_target <= %(gate_horizon)s AS gate_due
    FROM projects p
),
per_unit AS (
    SELECT bd_id, stage, count(*) AS n,
           sum(expected_staff_hours_per_year) AS expected_hours, sum(expected_cost_saving_hkd_per_year) AS expected_cost,
           count(*) FILTER (WHERE in_operation) AS in_operation, count(*) FILTER (WHERE stalled) AS stalled,
           count(*) FILTER (WHERE overdue) AS overdue, count(*) FILTER (WHERE gate_due) AS gate_due,
           count(*) FILTER (WHERE id IN (SELECT project_id FROM lifecycle_gatereview WHERE status = 'pending'))
               AS awaiting,
           count(*) FILTER (WHERE id IN (SELECT project_id FROM lifecycle_incident WHERE status = 'open'))
               AS incident,
           sum(expected_staff_hours_per_year) FILTER (WHERE in_operation) AS op_expected_hours,
           sum(expected_cost_saving_hkd_per_year) FILTER (WHERE in_operation) AS op_expected_cost,
           sum(realised_staff_hours_per_year) FILTER (WHERE in_operation) AS op_realised_hours,
           sum(realised_cost_saving_hkd_per_year) FILTER (WHERE in_operation) AS op_realised_cost,
           count(*) FILTER (WHERE in_operation AND (realised_staff_hours_per_year IS NOT NULL
                                                   OR realised_cost_saving_hkd_per_year IS NOT NULL)) AS reporting
    FROM flagged GROUP BY bd_id, stage
),
by_mix AS (SELECT strategy, category, risk_tier, count(*) AS n FROM projects WHERE active GROUP BY 1, 2, 3),
by_severity AS (
    SELECT i.severity, count(*) AS n FROM lifecycle_incident i
    WHERE i.status = 'open' AND i.project_id IN (SELECT id FROM projects) GROUP BY 1
),
gate_times AS (
    SELECT sp.stage, count(*) AS n,
           percentile_cont(ARRAY[0.1, 0.25, 0.5, 0.75, 0.9]) WITHIN GROUP (
               ORDER BY sp.days) AS percentiles
    FROM lifecycle_stageperiod sp
    WHERE sp.exit = 'advanced' AND sp.stage IN ('identify', 'search', 'vendor_selection', 'test_validate')
      AND sp.project_id IN (SELECT id FROM projects)
    GROUP BY 1
),
operation_times AS (
    SELECT count(*) AS n,
           percentile_cont(ARRAY[0.1, 0.25, 0.5, 0.75, 0.9]) WITHIN GROUP (
               ORDER BY p.days_to_operation) AS percentiles
    FROM projects p WHERE p.in_operation_since IS NOT NULL AND p.days_to_operation IS NOT NULL
),
by_change AS (
    SELECT width_bucket(sp.exited_at, %(boundaries)s::timestamptz[]) AS quarter, sp.exit, count(*) AS n
    FROM lifecycle_stageperiod sp
    WHERE sp.exited_at >= %(first_quarter)s AND sp.exited_at < %(end)s AND sp.project_id IN (SELECT id FROM projects)
    GROUP BY 1, 2
),
by_registration AS (
    SELECT width_bucket(created_at, %(boundaries)s::timestamptz[]) AS quarter, count(*) AS n
    FROM projects WHERE created_at >= %(first_quarter)s AND created_at < %(end)s GROUP BY 1
),
stalled_list AS (
    SELECT p.id, p.code, p.title_en, p.title_zh_hant, u.code AS bd, p.stage, p.stage_entered_at
    FROM adoption_project p JOIN adoption_orgunit u ON u.id = p.bd_id
    WHERE p.id IN (SELECT id FROM flagged WHERE stalled ORDER BY stage_entered_at, id LIMIT 10)
    ORDER BY p.stage_entered_at, p.id
),
gates_list AS (
    SELECT p.id, p.code, p.title_en, p.title_zh_hant, u.code AS bd, p.stage, f.gate_target
    FROM (SELECT id, gate_target FROM flagged WHERE gate_due ORDER BY gate_target, id LIMIT 10) f
    JOIN adoption_project p ON p.id = f.id JOIN adoption_orgunit u ON u.id = p.bd_id
    ORDER BY f.gate_target, p.id
)
SELECT json_build_object(
    'per_unit', (SELECT json_agg(per_unit) FROM per_unit),
    'mix', (SELECT json_agg(by_mix) FROM by_mix),
    'severity', (SELECT json_agg(by_severity) FROM by_severity),
    'gate_times', (SELECT json_agg(gate_times) FROM gate_times),
    'operation_times', (SELECT json_agg(operation_times) FROM operation_times),
    'changes', (SELECT json_agg(by_change) FROM by_change),
    'registered', (SELECT json_agg(by_registration) FROM by_registration),
    'stalled_list', (SELECT json_agg(stalled_list) FROM stalled_list),
    'gates_list', (SELECT json_agg(gates_list) FROM gates_list),
    'units', (SELECT json_agg(json_build_object('id', id, 'code', code, 'parent', parent_id)) FROM adoption_orgunit)
)
"""


def scopes():
    """(name, user) for all B/Ds, one bureau, one B/D: management users made for the benchmark."""
    from adoption.choices import Role, ScopeLevel
    from adoption.models import OrgUnit, User

    specs = [
        ("all", None, ScopeLevel.ALL),
        (f"bureau:{BUREAU}", BUREAU, ScopeLevel.UNIT_TREE),
        (f"bd:{DEPARTMENT}", DEPARTMENT, ScopeLevel.OWN_UNIT),
    ]
    result = []
    for name, code, level in specs:
        user, _ = User.objects.update_or_create(
            username=f"benchmark.{name.replace(':', '.').lower()}",
            defaults={
                "role": Role.MANAGEMENT,
                "scope_level": level,
                "org_unit": OrgUnit.objects.get(code=code) if code else None,
            },
        )
        result.append((name, user))
    return result


@contextmanager
def cache_seconds(seconds: int):
    from django.test import override_settings

    with override_settings(TRACKER_DASHBOARD_CACHE_SECONDS=seconds):
        yield


def sql_parameters(user) -> dict:
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from adoption.models import GATE_DUE_WITHIN_DAYS
    from adoption.quarters import Quarter
    from reports.portfolio.compute import QUARTERS_SHOWN

    now = timezone.now()
    today = timezone.localdate()
    current = Quarter.containing(now)
    path = "/" if user.org_unit is None else user.org_unit.path
    return {
        "path": f"{path}%",
        "stalled_before": now - timedelta(days=settings.TRACKER_STALLED_AFTER_DAYS),
        "today": today,
        "gate_horizon": today + timedelta(days=GATE_DUE_WITHIN_DAYS),
        "first_quarter": current.preceding(QUARTERS_SHOWN)[0].start,
        "end": current.end,
        "boundaries": [quarter.start for quarter in current.preceding(QUARTERS_SHOWN)] + [current.end],
    }


def run_sql(user) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SQL, sql_parameters(user))
        (result,) = cursor.fetchone()
    return result if isinstance(result, dict) else json.loads(result)


def same_figures(answer: dict, figures) -> list[str]:
    """Where the SQL and the dashboard disagree (an empty list when they agree)."""
    rows = answer["per_unit"] or []
    totals = {
        "projects": sum(row["n"] for row in rows),
        "in_operation": sum(row["in_operation"] for row in rows),
        "stalled": sum(row["stalled"] for row in rows),
        "periodic_review_overdue": sum(row["overdue"] for row in rows),
        "gate_due": sum(row["gate_due"] for row in rows),
        "awaiting_gate_review": sum(row["awaiting"] for row in rows),
        "with_open_incidents": sum(row["incident"] for row in rows),
        "realised_hours": sum(row["op_realised_hours"] or 0 for row in rows),
        "open_incidents": sum(row["n"] for row in answer["severity"] or []),
        "active_in_mix": sum(row["n"] for row in answer["mix"] or []),
        "gates_passed": sum(row["n"] for row in answer["gate_times"] or []),
        "stage_changes": sum(row["n"] for row in answer["changes"] or []),
        "registered": sum(row["n"] for row in answer["registered"] or []),
        "stalled_list": [row["code"] for row in answer["stalled_list"] or []],
    }
    dashboard = {
        "projects": figures.total,
        "in_operation": figures.in_operation,
        "stalled": figures.stalled,
        "periodic_review_overdue": figures.periodic_review_overdue,
        "gate_due": figures.gate_due,
        "awaiting_gate_review": figures.awaiting_gate_review,
        "with_open_incidents": figures.with_open_incidents,
        "realised_hours": figures.benefits.realised_in_operation.staff_hours,
        "open_incidents": figures.open_incidents,
        "active_in_mix": sum(figures.strategy_mix.values()),
        "gates_passed": sum(cycle.count for cycle in figures.cycle_times[:4]),
        "stage_changes": sum(row.changes for row in figures.quarters),
        "registered": sum(row.registered for row in figures.quarters),
        "stalled_list": [line.code for line in figures.stalled_list],
    }
    medians = {row["stage"]: row["percentiles"][2] for row in answer["gate_times"] or []}
    for cycle in figures.cycle_times[:4]:
        if cycle.count and abs(medians.get(cycle.stage, -1) - cycle.median) > 0.01:
            totals[f"median {cycle.stage}"], dashboard[f"median {cycle.stage}"] = medians.get(cycle.stage), cycle.median
    return [
        f"{name}: SQL {totals[name]} ≠ dashboard {dashboard[name]}"
        for name in totals
        if totals[name] != dashboard[name]
    ]


def main() -> None:
    setup_django()
    options = arguments(__doc__.splitlines()[0])
    require_postgres()
    ensure_demo(options.projects)

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from adoption.models import Project
    from reports.portfolio import portfolio_figures

    report = Report("dashboard")
    redis = "redis" in settings.CACHES["default"]["BACKEND"].lower()
    report.emit("projects", Project.objects.count(), "projects")
    for name, user in scopes():
        client = Client()
        client.force_login(user)

        def dashboard(client=client):
            response = client.get("/dashboard/")
            assert response.status_code == 200, response.status_code
            return response

        with cache_seconds(0):
            cache.clear()
            cold = statistics.median(_timed(lambda: (cache.clear(), dashboard())) for _ in range(COLD_RUNS))
            report.emit("server_ms_cold", cold, "ms", scope=name, runs=COLD_RUNS, note="no cache: charts drawn")
            dashboard()  # the charts of this data are drawn once and kept by content
            off = median_ms(dashboard, options.runs)
            with CaptureQueriesContext(connection) as queries:
                dashboard()
            report.emit("server_ms_cache_off", off, "ms", TARGET_CACHE_OFF_MS, scope=name, runs=options.runs)
            report.emit("queries", len(queries), "queries", scope=name)

        sql_ms = median_ms(lambda user=user: run_sql(user), options.runs)
        report.emit("sql_ms", sql_ms, "ms", scope=name, runs=options.runs)
        report.ratio("server_cache_off_to_sql", off, sql_ms, TARGET_SQL_RATIO, scope=name)
        from adoption.roles import Permission

        figures = portfolio_figures(Project.objects.restrict(user, Permission.VIEW_DASHBOARD))
        disagreements = same_figures(run_sql(user), figures)
        report.emit("sql_disagreements", len(disagreements), "count", 0, scope=name, detail=disagreements[:5])

        with cache_seconds(300):
            dashboard()  # fills the cache
            on = median_ms(dashboard, options.runs)
            with CaptureQueriesContext(connection) as queries:
                dashboard()
            report.emit(
                "server_ms_cache_on",
                on,
                "ms",
                TARGET_CACHE_ON_MS,
                scope=name,
                runs=options.runs,
                cache="redis" if redis else settings.CACHES["default"]["BACKEND"],
            )
            report.emit("queries_cache_on", len(queries), "queries", scope=name)
    report.finish()


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
