"""Daily reminders to B/Ds whose return is due soon or overdue, each sent once.

The reminder goes to the B/D's gate approvers (they submit), or to its project officers when
it has no approver with an e-mail address. Each is logged before its e-mail goes out, in one
transaction, so a failed send rolls the log back and tomorrow's run tries again.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from adoption.choices import Role
from adoption.models import User
from reports.models import BDReturn, ReturnReminder, ReturnReminderKind
from reports.models.returns import OPEN_STATUSES

DUE_SOON = timedelta(days=7)


def _recipients(bd_id: int, people: dict) -> list:
    approvers = [user for user in people.get((bd_id, Role.GATE_APPROVER), []) if user.email]
    return approvers or [user for user in people.get((bd_id, Role.PROJECT_OFFICER), []) if user.email]


def send_return_reminders(*, today=None) -> dict[str, int]:
    today = today or timezone.localdate()
    counts = {ReturnReminderKind.DUE_SOON.value: 0, ReturnReminderKind.OVERDUE.value: 0}
    pending = list(
        BDReturn.objects.filter(OPEN_STATUSES, round__due_date__lte=today + DUE_SOON).select_related("round")
    )
    if not pending:
        return counts
    sent = set(ReturnReminder.objects.filter(bd_return__in=pending).values_list("bd_return_id", "kind", "recipient"))
    people: dict = {}
    for user in User.objects.filter(
        is_active=True, org_unit_id__in={r.bd_id for r in pending}, role__in=[Role.GATE_APPROVER, Role.PROJECT_OFFICER]
    ).order_by("username"):
        people.setdefault((user.org_unit_id, user.role), []).append(user)
    for bd_return in pending:
        kind = ReturnReminderKind.OVERDUE if bd_return.round.due_date < today else ReturnReminderKind.DUE_SOON
        for person in _recipients(bd_return.bd_id, people):
            if (bd_return.pk, kind.value, person.email) in sent:
                continue
            context = {
                "bd_return": bd_return,
                "round": bd_return.round,
                "person": person,
                "overdue": kind == ReturnReminderKind.OVERDUE,
                "url": settings.SITE_URL
                + reverse("returns:bd_return", args=[bd_return.round.quarter, bd_return.bd_code]),
            }
            try:
                with transaction.atomic():
                    ReturnReminder.objects.create(bd_return=bd_return, kind=kind, recipient=person.email)
                    with translation.override(person.language or settings.LANGUAGE_CODE):
                        subject = render_to_string("reports/email/return_reminder_subject.txt", context).strip()
                        body = render_to_string("reports/email/return_reminder.txt", context)
                    send_mail(subject, body, None, [person.email])
            except IntegrityError:
                continue  # sent by a run at the same moment
            counts[kind.value] += 1
    return counts
