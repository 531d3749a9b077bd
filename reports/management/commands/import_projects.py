from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from adoption.models import User
from reports.inventory.importer import check_file, file_digest, import_rows


class Command(BaseCommand):
    help = "Import projects from an inventory spreadsheet (XLSX template or CSV): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="the user importing (scope and audit)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and list its problems only")

    def handle(self, *args, file, username, dry_run=False, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file!r}.")
        with path.open("rb") as handle:
            sha256 = file_digest(handle)
            checked = check_file(handle, path.name, user)
        if checked.problems:
            for problem in checked.problems:
                self.stderr.write(f"row {problem.row}\t{problem.column}\t{problem.message}")
            raise CommandError(f"{len(checked.problems)} problems: nothing was imported.")
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"{len(checked.rows)} rows are ready to import (dry run: nothing written).")
            )
            return
        projects = import_rows(checked, by=user, file_name=path.name, sha256=sha256)
        self.stdout.write(self.style.SUCCESS(f"Imported {len(projects)} projects from {path.name}."))
