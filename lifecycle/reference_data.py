"""Gate checklist template version 1 and the daily reminder schedule."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from lifecycle.choices import TemplateStatus
from lifecycle.models import ChecklistTemplate, ChecklistTemplateItem

DATA_DIR = Path(__file__).resolve().parent / "data"
ITEM_FIELDS = (
    "stage",
    "order",
    "text_en",
    "text_zh_hant",
    "applies",
    "na_allowed",
    "source",
    "guide_excerpt_en",
    "guide_excerpt_zh_hant",
    "why_en",
    "why_zh_hant",
)


def genai_dos_and_donts() -> list[dict]:
    """The guide's do's and don'ts for staff using generative AI."""
    return json.loads((DATA_DIR / "genai_dos_donts.json").read_text(encoding="utf-8"))


@transaction.atomic
def load_checklist_template() -> bool:
    """Version 1, published, if it is not there yet. Later versions are made in the admin."""
    data = json.loads((DATA_DIR / "checklist_template_v1.json").read_text(encoding="utf-8"))
    template, created = ChecklistTemplate.objects.get_or_create(
        version=data["version"],
        defaults={
            "title_en": data["title_en"],
            "title_zh_hant": data["title_zh_hant"],
            "status": TemplateStatus.PUBLISHED,
            "published_at": timezone.now(),
            "notes": "Version 1, from the reference gate checklists.",
        },
    )
    if created:
        ChecklistTemplateItem.objects.bulk_create(
            ChecklistTemplateItem(template=template, code=item["code"], **{f: item[f] for f in ITEM_FIELDS})
            for item in data["items"]
        )
    return created


def load_schedules() -> None:
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Hong_Kong"
    )
    PeriodicTask.objects.get_or_create(
        name="Daily reminders: overdue periodic reviews and stalled projects",
        defaults={"task": "lifecycle.tasks.send_daily_reminders", "crontab": daily},
    )


def load(stdout) -> None:
    created = load_checklist_template()
    stdout.write(f"Checklist template v1: {'created' if created else 'already there'}")
    load_schedules()
    stdout.write("Schedules: daily reminders")
