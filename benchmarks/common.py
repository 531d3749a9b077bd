"""Shared by the benchmarks: the demo portfolio, timing, memory, and the JSON lines they print.

Each benchmark prints one JSON object per line and measurement, e.g.
``{"benchmark": "dashboard", "metric": "server_ms_median", "value": 123.4, "unit": "ms", "target": 250}``,
and exits non-zero when a measurement misses its target.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

import django


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()


def arguments(description: str, default_projects: int = 100_000, **extra) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--projects", type=int, default=default_projects, help="size of the demo portfolio")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per measurement")
    for name, options in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", **options)
    return parser.parse_args()


def require_postgres() -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Benchmarks run against PostgreSQL: set DATABASE_URL=postgres://…")


def create_database_if_missing() -> None:
    """Create the database ``DATABASE_URL`` names when it does not exist yet, as ``createdb`` would."""
    import psycopg
    from django.db import connection
    from psycopg import sql

    settings = connection.settings_dict
    server = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"]}
    server["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in server.items() if v}) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))


def ensure_demo(projects: int) -> None:
    """Load the demo portfolio into this database (created if need be), reusing one already there."""
    from django.core.management import call_command

    from adoption.models import Project

    create_database_if_missing()
    call_command("migrate", verbosity=0)
    call_command("seed_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if Project.objects.count() < projects:
        call_command("load_demo", projects=projects)


def median_ms(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    Read from ``VmHWM`` on Linux: ``getrusage``'s ``ru_maxrss`` keeps the high-water mark of the
    process before ``exec``, so a child started by a big parent would report the parent's size.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Report:
    """Collects measurements, prints them as JSON lines, and fails the run if one misses its target."""

    def __init__(self, benchmark: str):
        self.benchmark = benchmark
        self.missed: list[str] = []

    def emit(self, metric: str, value: float, unit: str, target: float | None = None, **extra) -> None:
        line = {"benchmark": self.benchmark, "metric": metric, "value": round(value, 3), "unit": unit}
        if target is not None:
            line["target"] = target
            if value > target:
                self.missed.append(metric)
        line.update(extra)
        print(json.dumps(line), flush=True)

    def ratio(self, metric: str, value: float, bound: float, target: float | None = None, **extra) -> None:
        self.emit(metric, value / bound if bound else float("inf"), "ratio", target, **extra)

    def finish(self) -> None:
        if self.missed:
            print(json.dumps({"benchmark": self.benchmark, "missed": self.missed}), file=sys.stderr)
            sys.exit(1)
