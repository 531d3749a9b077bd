"""The daily reminders: overdue periodic reviews and projects stalled in a stage.

Each reminder is logged before its e-mail goes out, in one transaction, so a reminder is
sent once: a failed send rolls the log row back and tomorrow's run tries again.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lifecycle.choices import ReminderKind
from lifecycle.models import ReminderLog

logger = logging.getLogger(__name__)


def _recipients(project) -> list:
    if project.responsible_officer and project.responsible_officer.email:
        return [project.responsible_officer]
    return [officer for officer in project.project_officers.all() if officer.email]


def _send(project, kind: str, reference: str, template: str, context: dict) -> int:
    sent = 0
    for person in _recipients(project):
        try:
            with transaction.atomic():
                ReminderLog.objects.create(project=project, kind=kind, reference=reference, recipient=person.email)
                with translation.override(person.language or settings.LANGUAGE_CODE):
                    subject = render_to_string(f"lifecycle/email/{template}_subject.txt", context).strip()
                    body = render_to_string(f"lifecycle/email/{template}.txt", {**context, "person": person})
                send_mail(subject, body, None, [person.email])
        except IntegrityError:
            continue  # already sent
        except (smtplib.SMTPException, OSError):
            # Not logged as sent: the next run tries again. One bad address must not stop the others.
            logger.warning("Could not send the %s reminder for project %s to %s", kind, project.pk, person.email)
            continue
        sent += 1
        break  # one reminder per project and occasion
    return sent


def send_due_reminders(*, today=None) -> dict[str, int]:
    from adoption.models import Project

    today = today or timezone.localdate()
    counts = {ReminderKind.OVERDUE_REVIEW: 0, ReminderKind.STALLED: 0}
    base = Project.objects.select_related("responsible_officer", "bd").prefetch_related("project_officers")

    # The dashboard's segments: a reminder goes exactly to the projects it counts.
    overdue = base.periodic_review_overdue(today=today)
    sent_overdue = set(
        ReminderLog.objects.filter(kind=ReminderKind.OVERDUE_REVIEW, project__in=overdue).values_list(
            "project_id", "reference"
        )
    )
    for project in overdue.iterator(chunk_size=500):
        reference = project.next_periodic_review_due.isoformat()
        if (project.pk, reference) in sent_overdue:
            continue
        context = {"project": project, "due": project.next_periodic_review_due, "site_url": settings.SITE_URL}
        counts[ReminderKind.OVERDUE_REVIEW] += _send(
            project, ReminderKind.OVERDUE_REVIEW, reference, "overdue_review", context
        )

    stalled = base.stalled()
    sent_stalled = set(
        ReminderLog.objects.filter(kind=ReminderKind.STALLED, project__in=stalled).values_list(
            "project_id", "reference"
        )
    )
    for project in stalled.iterator(chunk_size=500):
        reference = f"{project.stage}:{project.stage_entered_at:%Y%m%d%H%M%S}"
        if (project.pk, reference) in sent_stalled:
            continue
        days = (timezone.now() - project.stage_entered_at).days
        context = {"project": project, "days": days, "site_url": settings.SITE_URL}
        counts[ReminderKind.STALLED] += _send(project, ReminderKind.STALLED, reference, "stalled", context)
    return {str(kind): count for kind, count in counts.items()}
