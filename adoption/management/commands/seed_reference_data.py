from importlib import import_module

from django.core.management.base import BaseCommand

# Each app that has reference data offers ``<app>.reference_data.load(stdout)``.
APPS_WITH_REFERENCE_DATA = ("adoption", "lifecycle", "reports")


class Command(BaseCommand):
    help = "Load B/Ds, the solution catalogue, checklist templates and default schedules. Safe to run again."

    def handle(self, *args, **options):
        for app in APPS_WITH_REFERENCE_DATA:
            try:
                module = import_module(f"{app}.reference_data")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.reference_data":
                    raise
                continue
            module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Reference data is in place."))
