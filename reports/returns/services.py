"""Return rounds and the B/D workflow, as keyword-only services raising ``ActionRefused``.

Opening a round freezes the quarter (see ``snapshot``). Officers of a B/D add remarks to its
lines; its gate approver submits the return; DPO accepts it or returns it with comments, after
which it can be changed and submitted again.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.models import OrgUnit
from adoption.quarters import Quarter
from adoption.roles import Permission, has_permission
from adoption.scoping import unit_in_scope
from lifecycle.errors import ActionRefused
from reports.bulk import insert_rows
from reports.models import BDReturn, LineRemark, ReturnAction, ReturnEvent, ReturnLine, ReturnRound, ReturnStatus
from reports.returns.snapshot import quarter_lines

DUE_AFTER_QUARTER_END = timedelta(days=30)
LINE_BATCH = 10_000
REMARK_MAX_LENGTH = 2000


def default_due_date(quarter: Quarter):
    return quarter.last_day + DUE_AFTER_QUARTER_END


def open_round(*, quarter: Quarter | str, by=None, due_date=None, today=None) -> ReturnRound:
    """Open the round of a quarter that has ended, freezing every B/D's lines.

    ``by`` is the DPO officer opening it, or None when the schedule does.
    """
    if isinstance(quarter, str):
        quarter = Quarter.parse(quarter)
    today = today or timezone.localdate()
    if by is not None and not has_permission(by, Permission.MANAGE_RETURN_ROUNDS):
        raise ActionRefused(_("Only DPO officers can open return rounds."))
    if not quarter.has_ended(today):
        raise ActionRefused(
            _("The quarter %(quarter)s has not ended yet: a round opens after its last day.") % {"quarter": quarter},
            field="quarter",
        )
    due_date = due_date or default_due_date(quarter)
    if due_date <= quarter.last_day:
        raise ActionRefused(_("The due date must be after the end of the quarter."), field="due_date")
    if ReturnRound.objects.filter(quarter=str(quarter)).exists():
        raise ActionRefused(_("The round for %(quarter)s is already open.") % {"quarter": quarter}, field="quarter")
    try:
        with transaction.atomic():
            round_ = ReturnRound.objects.create(
                quarter=str(quarter),
                period_start=quarter.first_day,
                period_end=quarter.last_day,
                due_date=due_date,
                opened_by=by,
            )
            _freeze(round_, quarter)
    except IntegrityError:
        raise ActionRefused(
            _("The round for %(quarter)s is already open.") % {"quarter": quarter}, field="quarter"
        ) from None
    return round_


def _freeze(round_: ReturnRound, quarter: Quarter) -> None:
    units = {unit.pk: unit for unit in OrgUnit.objects.all()}
    returns: dict[int, BDReturn] = {}
    counts: dict[int, int] = {}
    columns: list[str] = []
    batch: list[tuple] = []
    for bd_id, values in quarter_lines(quarter):
        bd_return = returns.get(bd_id)
        if bd_return is None:
            unit = units[bd_id]
            bd_return = returns[bd_id] = BDReturn.objects.create(
                round=round_, bd=unit, bd_code=unit.code, bd_name_en=unit.name_en, bd_name_zh_hant=unit.name_zh_hant
            )
            counts[bd_id] = 0
        counts[bd_id] += 1
        if not columns:
            columns = ["round_id", "bd_return_id", *values]
        batch.append((round_.pk, bd_return.pk, *values.values()))
        if len(batch) >= LINE_BATCH:
            insert_rows(ReturnLine, columns, batch)
            batch = []
    insert_rows(ReturnLine, columns, batch)
    for bd_id, bd_return in returns.items():
        bd_return.line_count = counts[bd_id]
        bd_return.save(update_fields=["line_count"])
    round_.line_count = sum(counts.values())
    round_.save(update_fields=["line_count"])


def change_due_date(*, round_: ReturnRound, by, due_date) -> ReturnRound:
    if not has_permission(by, Permission.MANAGE_RETURN_ROUNDS):
        raise ActionRefused(_("Only DPO officers can change a round's due date."))
    if due_date <= round_.period_end:
        raise ActionRefused(_("The due date must be after the end of the quarter."), field="due_date")
    with transaction.atomic():
        round_ = ReturnRound.objects.select_for_update().get(pk=round_.pk)
        round_.due_date = due_date
        round_.save(update_fields=["due_date"])
    return round_


def _lock(bd_return: BDReturn) -> BDReturn:
    return BDReturn.objects.select_for_update().select_related("round", "bd").get(pk=bd_return.pk)


def _require_open(bd_return: BDReturn) -> None:
    if not bd_return.is_open_for_changes:
        raise ActionRefused(
            _("This return is %(status)s: it can no longer be changed.")
            % {"status": bd_return.get_status_display().lower()}
        )


def save_remarks(*, bd_return: BDReturn, by, remarks: dict[int, str]) -> int:
    """Set the remarks of some lines of a B/D return ({line id: text}); returns how many changed."""
    with transaction.atomic():
        bd_return = _lock(bd_return)
        if not (has_permission(by, Permission.EDIT_RETURN_REMARKS) and unit_in_scope(by, bd_return.bd)):
            raise ActionRefused(_("Only officers of the B/D can add remarks to its return."))
        _require_open(bd_return)
        cleaned = {int(line_id): (text or "").strip() for line_id, text in remarks.items()}
        too_long = [line_id for line_id, text in cleaned.items() if len(text) > REMARK_MAX_LENGTH]
        if too_long:
            raise ActionRefused(
                _("A remark can be at most %(max)s characters.") % {"max": REMARK_MAX_LENGTH},
                field=f"remark-{too_long[0]}",
            )
        line_ids = set(bd_return.lines.filter(pk__in=list(cleaned)).values_list("pk", flat=True))
        if line_ids != set(cleaned):
            raise ActionRefused(_("Some of these lines are not in this return."))
        existing = {remark.line_id: remark for remark in LineRemark.objects.filter(line_id__in=line_ids)}
        now = timezone.now()
        new, changed = [], []
        for line_id, text in cleaned.items():
            remark = existing.get(line_id)
            if remark is None:
                if text:
                    new.append(LineRemark(line_id=line_id, text=text, updated_by=by, updated_at=now))
            elif remark.text != text:
                remark.text, remark.updated_by, remark.updated_at = text, by, now
                changed.append(remark)
        LineRemark.objects.bulk_create(new)
        LineRemark.objects.bulk_update(changed, ["text", "updated_by", "updated_at"])
    return len(new) + len(changed)


def submit_return(*, bd_return: BDReturn, by, comment: str = "") -> BDReturn:
    with transaction.atomic():
        bd_return = _lock(bd_return)
        if not (has_permission(by, Permission.SUBMIT_RETURN) and by.org_unit_id == bd_return.bd_id):
            raise ActionRefused(_("Only a gate approver of the B/D can submit its return."))
        _require_open(bd_return)
        now = timezone.now()
        bd_return.status = ReturnStatus.SUBMITTED
        bd_return.submitted_by, bd_return.submitted_at = by, now
        bd_return.save(update_fields=["status", "submitted_by", "submitted_at"])
        ReturnEvent.objects.create(
            bd_return=bd_return, action=ReturnAction.SUBMITTED, actor=by, at=now, comment=(comment or "").strip()
        )
    return bd_return


def _decide(bd_return: BDReturn, by, status: str, action: str, comment: str) -> BDReturn:
    with transaction.atomic():
        bd_return = _lock(bd_return)
        if not has_permission(by, Permission.MANAGE_RETURN_ROUNDS):
            raise ActionRefused(_("Only DPO officers can accept or return a B/D's return."))
        if bd_return.status != ReturnStatus.SUBMITTED:
            raise ActionRefused(
                _("This return is %(status)s: only a submitted return can be accepted or returned.")
                % {"status": bd_return.get_status_display().lower()}
            )
        now = timezone.now()
        bd_return.status = status
        bd_return.decided_by, bd_return.decided_at = by, now
        bd_return.dpo_comment = comment
        bd_return.save(update_fields=["status", "decided_by", "decided_at", "dpo_comment"])
        ReturnEvent.objects.create(bd_return=bd_return, action=action, actor=by, at=now, comment=comment)
    return bd_return


def accept_return(*, bd_return: BDReturn, by, comment: str = "") -> BDReturn:
    return _decide(bd_return, by, ReturnStatus.ACCEPTED, ReturnAction.ACCEPTED, (comment or "").strip())


def return_for_changes(*, bd_return: BDReturn, by, comment: str) -> BDReturn:
    comment = (comment or "").strip()
    if not comment:
        raise ActionRefused(_("Say what the B/D needs to change."), field="comment")
    return _decide(bd_return, by, ReturnStatus.RETURNED, ReturnAction.RETURNED, comment)


def open_previous_quarter_round(*, today=None) -> ReturnRound | None:
    """For the daily schedule: open the last ended quarter's round if it is not open yet."""
    today = today or timezone.localdate()
    quarter = Quarter.last_ended(today)
    if ReturnRound.objects.filter(quarter=str(quarter)).exists():
        return None
    try:
        return open_round(quarter=quarter, today=today)
    except ActionRefused:
        return None  # opened at the same moment by someone else
