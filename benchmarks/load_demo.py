"""How long ``manage.py load_demo --projects N`` takes on an empty PostgreSQL database.

    DATABASE_URL=postgres://… python -m benchmarks.load_demo [--projects 100000]

Unlike the other benchmarks this one does not reuse a portfolio: it creates a scratch database
next to the one ``DATABASE_URL`` names (``<name>_load_demo``), migrates it and loads the
reference data (not timed), then times the whole command in a process of its own — Django's
start-up, generating the rows, COPY, commit, VACUUM ANALYZE — and drops the database again.
Target: under 3 minutes for 100,000 projects.
"""

import os
import re
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from benchmarks.common import Report, arguments

TARGET_SECONDS = 180


def _manage(*args: str, env: dict) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def main() -> None:
    args = arguments("Time of load_demo on an empty PostgreSQL database.")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Benchmarks run against PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg

    parts = urlsplit(url)
    scratch = f"{parts.path.lstrip('/') or 'tracker'}_load_demo"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    env = {
        **os.environ,
        "DATABASE_URL": urlunsplit(parts._replace(path=f"/{scratch}")),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }

    def run_sql(statement: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(statement)

    run_sql(f'DROP DATABASE IF EXISTS "{scratch}"')
    run_sql(f'CREATE DATABASE "{scratch}"')
    try:
        _manage("migrate", "--verbosity", "0", env=env)
        _manage("seed_reference_data", env=env)
        started = time.perf_counter()
        output = _manage("load_demo", "--projects", str(args.projects), env=env)
        seconds = time.perf_counter() - started
    finally:
        run_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    report = Report("load_demo")
    report.emit("command_seconds", seconds, "s", TARGET_SECONDS, projects=args.projects)
    for phase, value in re.findall(r"^  (\S.*?)\s{2,}(\d+\.\d) s$", output, flags=re.MULTILINE):
        report.emit(f"phase_seconds:{phase}", float(value), "s")
    rows = sum(int(count.replace(",", "")) for count in re.findall(r"([\d,]+) rows$", output, flags=re.MULTILINE))
    report.emit("rows_written", rows, "rows")
    report.emit("load_average_1min", os.getloadavg()[0], "load", cores=os.cpu_count())
    report.finish()


if __name__ == "__main__":
    main()
