"""The quarterly returns' schedules: open the round after quarter end, remind B/Ds."""

from django_celery_beat.models import CrontabSchedule, PeriodicTask

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


def load(stdout) -> None:
    load_schedules()
    stdout.write("Schedules: quarterly return rounds and reminders")
