"""Importing an inventory spreadsheet: every problem by row and column first, then all rows or none.

Rows are checked with the rules of the project form (``Project.full_clean``, the officers
rule, the importer's scope) and created in bulk: a few queries for the whole file, not per row.
Each project gets its stage period, its checklist and an audit row saying it was imported,
by whom, from which file and row. A project may be imported at a later stage than Identify:
that is explicit in the file, and recorded in the audit row as "imported at stage X".
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adoption.models import CatalogueSolution, OrgUnit, Project, User, Vendor
from adoption.portfolio import portfolio_changed
from adoption.roles import Permission, has_permission
from adoption.scoping import unit_in_scope
from adoption.services import _check_officers, next_project_code
from lifecycle.checklists import applies_to
from lifecycle.choices import AuditAction
from lifecycle.models import AuditEvent, ChecklistItem, ChecklistTemplateItem, StagePeriod
from lifecycle.services import current_template
from lifecycle.stages import LIFECYCLE_STAGES, SHORT_LABELS, Stage
from reports.bulk import insert, insert_rows, reserve_ids
from reports.inventory.columns import BY_NAME, COLUMNS, Column, choice_values
from reports.inventory.files import DATA_SHEET
from reports.spreadsheets import (
    BadSpreadsheet,
    excel_serial_to_date,
    read_csv_rows,
    read_xlsx_rows,
    unescape_formula,
)

# Looked up by the checker already; Django would check each again with one query per row.
FK_FIELDS = ("bd", "vendor", "catalogue_solution", "responsible_officer", "created_by")
CACHED_KINDS = frozenset({"choice", "stage", "bool", "bd", "vendor", "solution"})
MODEL_FIELD_NAMES = tuple(field.name for field in Project._meta.concrete_fields if field.name not in ("code",))
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TRUE_WORDS = {"yes", "y", "true", "1", "是", "yes / 是"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "no / 否"}
BATCH = 2000
MAX_ROWS = 50_000


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class CheckedFile:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, values)
    problems: list[Problem] = field(default_factory=list)
    failed: dict[int, set[str]] = field(default_factory=dict)  # row number → fields whose cell was refused
    projects: dict[int, Project] = field(default_factory=dict)  # row number → the project checked

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


SPACES = re.compile(r"\s+")


def _normalise(text) -> str:
    value = str(text or "").strip().casefold().replace("／", "/")
    if "  " in value or "\n" in value or "\t" in value:
        value = SPACES.sub(" ", value)
    return value


def _heading_lookup() -> dict[str, Column]:
    lookup = {}
    for column in COLUMNS:
        for heading in (column.heading, column.heading_en, column.heading_zh, column.name):
            lookup[_normalise(heading)] = column
    return lookup


def _choice_lookup(column: Column) -> dict[str, str]:
    lookup = {}
    for value, label in choice_values(column):
        lookup[_normalise(value)] = value
        lookup[_normalise(label)] = value
        for part in label.split(" / "):
            lookup[_normalise(part)] = value
    if column.kind == "stage":
        for stage in LIFECYCLE_STAGES:
            lookup[_normalise(Stage(stage).label)] = stage
            lookup[_normalise(SHORT_LABELS[stage])] = stage
    return lookup


def read_rows(file, name: str):
    """(row number, cells) of the uploaded file, by its extension."""
    if name.lower().endswith(".xlsx"):
        return read_xlsx_rows(file, (DATA_SHEET,))
    if name.lower().endswith(".csv"):
        return read_csv_rows(file)
    raise BadSpreadsheet("extension")


class Checker:
    """Checks every cell of every row, collecting problems instead of stopping at the first."""

    def __init__(self, user):
        self.user = user
        self.units = {unit.code.casefold(): unit for unit in OrgUnit.objects.all()}
        self.vendors = {}
        for vendor in Vendor.objects.all():
            self.vendors[_normalise(vendor.name_en)] = vendor
            if vendor.name_zh_hant:
                self.vendors[_normalise(vendor.name_zh_hant)] = vendor
        self.solutions = {solution.code.casefold(): solution for solution in CatalogueSolution.objects.all()}
        self.choices = {column.name: _choice_lookup(column) for column in COLUMNS if choice_values(column)}
        self.seen: dict = {}  # (kind, column, cell) → value: inventories repeat the same labels and codes

    def read(self, raw, column):
        """The cell's value by the column's kind; a ValueError says what is wrong with it."""
        if column.kind not in CACHED_KINDS:
            return getattr(self, column.kind)(raw, column)
        key = (column.name, raw)
        found = self.seen.get(key)
        if found is None:
            try:
                found = self.seen[key] = (getattr(self, column.kind)(raw, column), None)
            except ValueError as error:
                found = self.seen[key] = (None, error)
        if found[1] is not None:
            raise found[1]
        return found[0]

    # Cell readers: return the value, or raise ValueError with the message for the user.

    def text(self, raw, column):
        if isinstance(raw, float):
            return str(int(raw)) if raw.is_integer() else str(raw)
        return unescape_formula(str(raw).strip())

    def choice(self, raw, column):
        value = self.choices[column.name].get(_normalise(raw))
        if value is None:
            raise ValueError(
                _("“%(value)s” is not one of the allowed values (see the Lists sheet of the template).")
                % {"value": raw}
            )
        return value

    stage = choice

    def multi(self, raw, column):
        parts = [part for part in re.split(r"[;；\n]", str(raw)) if part.strip()]
        return [self.choice(part, column) for part in parts]

    def bool(self, raw, column):
        if isinstance(raw, bool):
            return raw
        word = _normalise(self.text(raw, column))
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("Write Yes or No."))

    def date(self, raw, column):
        if isinstance(raw, float):
            return excel_serial_to_date(raw)
        value = str(raw).strip()
        if not DATE_PATTERN.match(value):
            raise ValueError(_("“%(value)s” is not a date written YYYY-MM-DD (e.g. 2026-09-30).") % {"value": value})
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a real date.") % {"value": value}) from None

    def money(self, raw, column):
        try:
            value = (
                Decimal(repr(raw))
                if isinstance(raw, float)
                else Decimal(str(raw).replace(",", "").replace("HK$", "").replace("$", "").strip())
            )
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not an amount of money (e.g. 1200000.50).") % {"value": raw}) from None
        if not value.is_finite():
            raise ValueError(_("“%(value)s” is not an amount of money (e.g. 1200000.50).") % {"value": raw})
        if value < 0:
            raise ValueError(_("An amount of money cannot be negative."))
        return value

    def count(self, raw, column):
        try:
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(str(raw).replace(",", "").strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value != value.to_integral_value() or value < 0:
            raise ValueError(_("Write a whole number that is not negative."))
        return int(value)

    def bd(self, raw, column):
        unit = self.units.get(self.text(raw, column).casefold())
        if unit is None:
            raise ValueError(_("There is no B/D with the code “%(value)s”.") % {"value": raw})
        if not unit_in_scope(self.user, unit):
            raise ValueError(
                _("%(code)s is outside your scope: you can import projects only for a B/D in your scope.")
                % {"code": unit.code}
            )
        return unit

    def vendor(self, raw, column):
        vendor = self.vendors.get(_normalise(self.text(raw, column)))
        if vendor is None:
            raise ValueError(_("There is no vendor named “%(value)s”: ask DPO to add it first.") % {"value": raw})
        return vendor

    def solution(self, raw, column):
        solution = self.solutions.get(self.text(raw, column).casefold())
        if solution is None:
            raise ValueError(_("There is no catalogue solution with the code “%(value)s”.") % {"value": raw})
        return solution

    def officers(self, raw, column):
        return [name for name in re.split(r"[;；,\s]+", self.text(raw, column)) if name]

    def officer(self, raw, column):
        return self.text(raw, column)


def check_file(file, name: str, user) -> CheckedFile:
    """Every problem of the file, by row and column; the rows' values when there are none."""
    result = CheckedFile()
    if not has_permission(user, Permission.IMPORT_PROJECTS):
        result.problems.append(Problem(0, "", _("Your role cannot import projects.")))
        return result
    try:
        rows = iter(read_rows(file, name))
        header_number, header = next(rows, (1, []))
        columns = _match_header(header, header_number, result)
        if any(problem.row == header_number for problem in result.problems):
            return result
        checker = Checker(user)
        for number, cells in rows:
            if len(result.rows) >= MAX_ROWS:
                result.problems.append(
                    Problem(number, "", _("A file can hold at most %(max)s projects.") % {"max": MAX_ROWS})
                )
                break
            result.rows.append((number, _check_row(checker, columns, number, cells, result)))
    except BadSpreadsheet:
        result.problems.append(
            Problem(0, "", _("The file cannot be read: upload the XLSX template or a UTF-8 CSV file."))
        )
        return result
    if not result.rows and not result.problems:
        result.problems.append(Problem(header_number + 1, "", _("The file has no projects under its headings.")))
    if result.rows:
        _check_across_rows(result, user)
    result.problems.sort(key=lambda problem: (problem.row, _column_order(problem.column)))
    return result


def _column_order(heading: str) -> int:
    for index, column in enumerate(COLUMNS):
        if heading == column.heading:
            return index
    return -1


def _match_header(header: list, number: int, result: CheckedFile) -> dict[int, Column]:
    lookup = _heading_lookup()
    columns: dict[int, Column] = {}
    seen: set[str] = set()
    for index, raw in enumerate(header):
        if raw is None or not str(raw).strip():
            continue
        column = lookup.get(_normalise(raw))
        if column is None:
            result.problems.append(Problem(number, str(raw), _("This column is not one of the template's.")))
        elif column.name in seen:
            result.problems.append(Problem(number, column.heading, _("This column appears twice.")))
        else:
            seen.add(column.name)
            columns[index] = column
    for column in COLUMNS:
        if column.required and column.name not in seen:
            result.problems.append(Problem(number, column.heading, _("This required column is missing.")))
    if "title_en" not in seen and "title_zh_hant" not in seen:
        result.problems.append(
            Problem(number, BY_NAME["title_en"].heading, _("A title column (English or Chinese) is missing."))
        )
    return columns


def _check_row(checker: Checker, columns: dict[int, Column], number: int, cells: list, result: CheckedFile) -> dict:
    """The row's values; a refused cell is reported and left out (the rest is still checked)."""
    values: dict = {}
    failed: set[str] = set()
    for index, column in columns.items():
        raw = cells[index] if index < len(cells) else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if column.required:
                result.problems.append(Problem(number, column.heading, _("This column must be filled in.")))
                failed.add(column.name)
            continue
        try:
            values[column.name] = checker.read(raw, column)
        except ValueError as error:
            result.problems.append(Problem(number, column.heading, str(error)))
            failed.add(column.name)
    if failed:
        result.failed[number] = failed
    return values


def _check_across_rows(result: CheckedFile, user) -> None:
    """What needs the whole file: codes unique in the file and the register, officers, the model's own rules."""
    code_heading = BY_NAME["code"].heading
    first_row_of_code: dict[str, int] = {}
    for number, values in result.rows:
        code = values.get("code", "")
        if not code:
            continue
        key = code.casefold()
        if key in first_row_of_code:
            result.problems.append(
                Problem(
                    number,
                    code_heading,
                    _("The code %(code)s is also on row %(row)s.") % {"code": code, "row": first_row_of_code[key]},
                )
            )
        else:
            first_row_of_code[key] = number
    taken = {
        code.casefold()
        for code in Project.objects.filter(code__in=[v["code"] for _, v in result.rows if v.get("code")]).values_list(
            "code", flat=True
        )
    }
    usernames = set()
    for _number, values in result.rows:
        usernames.update(values.get("project_officers", []))
        if values.get("responsible_officer"):
            usernames.add(values["responsible_officer"])
    users = (
        {user.username.casefold(): user for user in User.objects.filter(username__in=usernames)} if usernames else {}
    )
    checked = []
    for number, values in result.rows:
        if values.get("code") and values["code"].casefold() in taken:
            result.problems.append(
                Problem(
                    number,
                    code_heading,
                    _("A project with the code %(code)s is already registered.") % {"code": values["code"]},
                )
            )
        _resolve_people(values, users, number, result)
        _check_with_model(values, number, user, result, exclude=result.failed.get(number, set()))
        checked.append((number, values))
    result.rows = checked


def _resolve_people(values: dict, users: dict, number: int, result: CheckedFile) -> None:
    heading = BY_NAME["project_officers"].heading
    officers = []
    for name in values.get("project_officers", []):
        person = users.get(name.casefold())
        if person is None:
            result.problems.append(Problem(number, heading, _("There is no user “%(name)s”.") % {"name": name}))
        else:
            officers.append(person)
    values["project_officers"] = officers
    if officers and "bd" in values:
        try:
            _check_officers(officers, values["bd"])
        except ValidationError as error:
            for message in error.message_dict.get("project_officers", []):
                result.problems.append(Problem(number, heading, message))
    if values.get("responsible_officer"):
        person = users.get(values["responsible_officer"].casefold())
        if person is None:
            result.problems.append(
                Problem(
                    number,
                    BY_NAME["responsible_officer"].heading,
                    _("There is no user “%(name)s”.") % {"name": values["responsible_officer"]},
                )
            )
        values["responsible_officer"] = person


def _new_project(values: dict, user, *, code_placeholder: str = "") -> Project:
    fields = {name: value for name, value in values.items() if name not in ("project_officers", "stage", "code")}
    fields.setdefault("spend_to_date_hkd", Decimal("0"))
    return Project(
        code=values.get("code") or code_placeholder,
        stage=values.get("stage") or Stage.IDENTIFY,
        created_by=user,
        **fields,
    )


def _check_with_model(values: dict, number: int, user, result: CheckedFile, exclude: set[str]) -> None:
    """The project form's own rules, on an unsaved project (the looked-up records are attached).
    Fields whose cell was already refused are left out, so each problem is reported once."""
    project = _new_project(values, user, code_placeholder="X")
    result.projects[number] = project
    # Fields the file does not fill keep the model's defaults, valid by definition (a model
    # form, too, cleans only its own fields).
    unset = [name for name in MODEL_FIELD_NAMES if name not in values]
    try:
        project.full_clean(exclude=[*FK_FIELDS, *exclude, *unset], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = BY_NAME.get(name)
            heading = column.heading if column else name
            for message in messages:
                result.problems.append(Problem(number, heading, message))


def file_digest(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def import_rows(checked: CheckedFile, *, by, file_name: str, sha256: str, batch_id: int | None = None) -> list[Project]:
    """Create every checked row's project, with its stage period, checklist and audit rows: all or nothing."""
    if not checked.ok:
        raise ValueError("only a file without problems can be imported")
    now = timezone.now()
    with transaction.atomic():
        template = current_template()
        items_by_stage = defaultdict(list)
        for item in ChecklistTemplateItem.objects.filter(template=template).order_by("stage", "order"):
            items_by_stage[item.stage].append(item)
        codes = _codes_for(checked.rows, now.year)
        projects = []
        for (_number, values), code in zip(checked.rows, codes, strict=True):
            project = checked.projects.get(_number) or _new_project(values, by)
            project.code = code
            project.checklist_template_version = template.version
            project.stage_entered_at = project.created_at = project.updated_at = now
            projects.append(project)
        if connection.vendor == "postgresql":
            for project, pk in zip(projects, reserve_ids(Project, len(projects)), strict=True):
                project.pk = pk
            insert(Project, projects, with_ids=True)
        else:
            Project.objects.bulk_create(projects, batch_size=BATCH)
        through = Project.project_officers.through
        insert_rows(
            through,
            ["project_id", "user_id"],
            [
                (project.pk, officer.pk)
                for project, (_n, values) in zip(projects, checked.rows, strict=True)
                for officer in values["project_officers"]
            ],
        )
        insert_rows(
            StagePeriod, ["project_id", "stage", "entered_at", "exit"], [(p.pk, p.stage, now, "") for p in projects]
        )
        items, events = [], []
        for project, (number, _values) in zip(projects, checked.rows, strict=True):
            profile = project.profile
            stage = project.stage
            applicable = [item for item in items_by_stage[stage] if applies_to(item.applies, profile)]
            items.extend((project.pk, item.pk, stage, "open", "", now) for item in applicable)
            details = {"code": project.code, "imported": True, "file": file_name, "sha256": sha256, "row": number}
            if batch_id:
                details["import_batch"] = batch_id
            if stage != Stage.IDENTIFY:
                details["imported_at_stage"] = stage
            reason = _("Imported from %(file)s, row %(row)s.") % {"file": file_name, "row": number}
            events.append((project.pk, now, by.pk, AuditAction.PROJECT_CREATED, "", stage, reason, details))
            checklist = {"items": [item.code for item in applicable]}
            events.append((project.pk, now, by.pk, AuditAction.CHECKLIST_CREATED, "", stage, "", checklist))
        insert_rows(
            ChecklistItem, ["project_id", "template_item_id", "stage", "status", "justification", "added_at"], items
        )
        insert_rows(
            AuditEvent,
            ["project_id", "at", "actor_id", "action", "from_stage", "to_stage", "reason", "details"],
            events,
        )
        portfolio_changed()
    return projects


def _codes_for(rows, year: int) -> list[str]:
    """The file's codes, and new ones (B/D-year-number) for rows without a code."""
    next_number: dict[str, int] = {}
    in_file = {values["code"].casefold() for _number, values in rows if values.get("code")}
    codes = []
    for _number, values in rows:
        if values.get("code"):
            codes.append(values["code"])
            continue
        unit = values["bd"]
        if unit.code not in next_number:
            next_number[unit.code] = int(next_project_code(unit, year).rsplit("-", 1)[1])
        code = f"{unit.code}-{year}-{next_number[unit.code]:04d}"
        while code.casefold() in in_file:
            next_number[unit.code] += 1
            code = f"{unit.code}-{year}-{next_number[unit.code]:04d}"
        codes.append(code)
        next_number[unit.code] += 1
    return codes
