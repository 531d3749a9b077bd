from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from adoption import demo
from lifecycle.errors import ActionRefused


class Command(BaseCommand):
    help = (
        "Development only (DEBUG=True): create one demo login per role and a portfolio of AI projects with their "
        "whole history. Safe to run again: the logins are refreshed, an existing portfolio is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects",
            type=int,
            default=demo.DEFAULT_PROJECTS,
            help=f"How many projects the database should have at least (default {demo.DEFAULT_PROJECTS}).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: the same seed on the same day gives the same data."
        )

    def handle(self, *args, projects: int, seed: int, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo is refused because DEBUG is off: it creates logins with a published password, "
                "so it runs only on a development database (DEBUG=True)."
            )
        if projects < 0:
            raise CommandError("--projects cannot be negative.")
        now = demo.base_now()
        try:
            logins = demo.ensure_demo_users(now)
            result = demo.load_portfolio(projects=projects, seed=seed, now=now, stdout=self.stdout)
        except (demo.DemoError, ActionRefused) as error:
            raise CommandError(str(error)) from None

        if result.created:
            self.stdout.write(f"Created {result.created:,} projects in {result.seconds['total']:.1f} s.")
            for phase, seconds in result.seconds.items():
                if phase != "total":
                    self.stdout.write(f"  {phase:<45} {seconds:7.1f} s")
            for table, count in result.rows.items():
                self.stdout.write(f"  {table:<45} {count:>10,} rows")
        else:
            self.stdout.write(
                f"The database already has {result.existing:,} projects (asked for {projects:,}): "
                "the portfolio is kept as it is."
            )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins — password for all: {demo.DEMO_PASSWORD}"))
        for spec, _user in logins:
            self.stdout.write(f"  {spec.username:<15} {spec.description}")
