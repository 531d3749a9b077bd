"""The register's reference data: B/Ds and the solution catalogue, from the project's own files."""

import csv
import json
from pathlib import Path

from django.db import transaction

from adoption.models import CatalogueSolution, OrgUnit

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_org_units() -> int:
    """Create the B/Ds that are missing. Existing rows are left as DPO may have corrected them."""
    with open(DATA_DIR / "org_units.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    by_code = {unit.code: unit for unit in OrgUnit.objects.all()}
    created = 0
    pending = rows
    while pending:
        waiting = []
        for row in pending:
            parent_code = row["parent_code"]
            if parent_code and parent_code not in by_code:
                waiting.append(row)
                continue
            if row["code"] in by_code:
                continue
            by_code[row["code"]] = OrgUnit.objects.create(
                code=row["code"],
                name_en=row["name_en"],
                name_zh_hant=row["name_zh_hant"],
                kind=row["kind"],
                parent=by_code.get(parent_code),
                is_confirmed=row["confirmed"] == "yes",
                confirmation_note=row["to_confirm"],
            )
            created += 1
        if len(waiting) == len(pending):
            raise ValueError(f"Unknown parent codes in org_units.csv: {sorted({r['parent_code'] for r in waiting})}")
        pending = waiting
    return created


@transaction.atomic
def load_catalogue() -> int:
    data = json.loads((DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))
    created = 0
    for entry in data["solutions"]:
        _, was_created = CatalogueSolution.objects.get_or_create(code=entry["code"], defaults=entry)
        created += was_created
    return created


def load(stdout) -> None:
    stdout.write(f"B/Ds: {load_org_units()} created, {OrgUnit.objects.count()} in all")
    stdout.write(f"Catalogue solutions: {load_catalogue()} created, {CatalogueSolution.objects.count()} in all")
