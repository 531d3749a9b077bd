from django.core.management.base import BaseCommand, CommandError

from adoption.quarters import Quarter, QuarterError
from reports.models import ReturnRound
from reports.returns.export import return_csv_chunks, write_return_xlsx


class Command(BaseCommand):
    help = "Export a quarterly return (consolidated, or one B/D's) as XLSX or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="e.g. 2026Q3")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--bd", help="code of one B/D (default: every B/D)")

    def handle(self, *args, quarter, format, output, bd=None, **options):
        try:
            quarter = Quarter.parse(quarter)
        except QuarterError:
            raise CommandError(f"{quarter!r} is not a quarter: write it like 2026Q3.") from None
        round_ = ReturnRound.objects.filter(quarter=str(quarter)).first()
        if round_ is None:
            raise CommandError(f"No return round is open for {quarter}.")
        bd_return = None
        if bd:
            bd_return = round_.returns.filter(bd_code__iexact=bd).first()
            if bd_return is None:
                raise CommandError(f"{bd!r} has no return in {quarter}.")
        if format == "xlsx":
            count = write_return_xlsx(output, round_, bd_return)
        else:
            count = 0
            with open(output, "w", encoding="utf-8", newline="") as file:
                for chunk in return_csv_chunks(round_, bd_return):
                    file.write(chunk)
            count = bd_return.line_count if bd_return else round_.line_count
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} lines of {quarter} to {output}."))
