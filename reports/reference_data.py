"""Reference data of the reports app, loaded by ``seed_reference_data``. Safe to run again.

The quarterly returns' schedules (open the round after quarter end, remind B/Ds) and the
portfolio reports' schedules and scheduler account, each in functions of their own.
"""

import json

from django.conf import settings
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from adoption.choices import OrgUnitKind, Role, ScopeLevel

SCHEDULES = (
    ("Quarterly returns: open the last ended quarter's round", "reports.tasks.open_quarterly_return_round", "1"),
    ("Quarterly returns: remind B/Ds of returns due or overdue", "reports.tasks.send_quarterly_return_reminders", "9"),
)


def load_schedules() -> None:
    for name, task, hour in SCHEDULES:
        daily, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Hong_Kong"
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": daily})


REPORT_TASK = "reports.tasks.generate_scheduled_report"
SWEEP_TASK = "reports.tasks.sweep_stuck_reports"


def ensure_report_scheduler():
    """The owner of scheduled reports: a DPO account nobody signs in with (no usable password).

    Scheduled runs belong to it unless a schedule names a requester (``"requested_by"`` in the
    schedule's keyword arguments); its address receives the completion e-mails.
    """
    from adoption.models import OrgUnit, User

    user, created = User.objects.get_or_create(
        username=settings.TRACKER_REPORT_SCHEDULER_USERNAME,
        defaults={
            "first_name": "DPO",
            "last_name": "report scheduler",
            "email": settings.TRACKER_REPORT_SCHEDULER_EMAIL,
            "role": Role.DPO_OFFICER,
            "scope_level": ScopeLevel.ALL,
            "org_unit": OrgUnit.objects.filter(code="DPO").first(),
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_report_schedules() -> int:
    """Quarterly portfolio reports: one for all B/Ds (DPO) and one per bureau; a sweeper every 5 minutes.

    Created once; after that DPO edits them in the admin (time, format, language, requester)
    and a later run of this command leaves them as they are.
    """
    quarterly, _created = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="*", day_of_month="1", month_of_year="1,4,7,10", timezone="Asia/Hong_Kong"
    )
    every_five_minutes, _created = CrontabSchedule.objects.get_or_create(
        minute="*/5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Hong_Kong"
    )
    from adoption.models import OrgUnit

    PeriodicTask.objects.get_or_create(
        name="Report runs: fail runs stuck past their time limit",
        defaults={"task": SWEEP_TASK, "crontab": every_five_minutes},
    )
    entries = [("Quarterly portfolio report: all B/Ds", "all")]
    for bureau in OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU, is_active=True).order_by("code"):
        entries.append((f"Quarterly portfolio report: {bureau.code}", f"tree:{bureau.code}"))
    created = 0
    for name, scope in entries:
        kwargs = {"schedule_name": name, "scope": scope, "format": "pdf", "language": "en", "requested_by": ""}
        _task, made = PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": REPORT_TASK, "crontab": quarterly, "kwargs": json.dumps(kwargs)}
        )
        created += made
    return created


def load(stdout) -> None:
    load_schedules()
    stdout.write("Schedules: quarterly return rounds and reminders")
    ensure_report_scheduler()
    created = load_report_schedules()
    stdout.write(f"Report schedules: {created} created")
