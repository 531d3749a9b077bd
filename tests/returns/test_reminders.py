"""Daily reminders of returns due or overdue: to the B/D's approvers, each sent once."""

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from reports.models import ReturnReminder
from reports.returns.reminders import send_return_reminders
from reports.returns.services import open_round, submit_return
from reports.tasks import open_quarterly_return_round, send_quarterly_return_reminders
from tests.returns.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(portfolio):
    with at(2026, 10, 2, 9):
        return open_round(quarter="2026Q3")


def test_due_soon_then_overdue_each_once_to_the_approvers(people, round_):
    with at(2026, 10, 10, 9):
        assert send_return_reminders() == {"due_soon": 0, "overdue": 0}  # due 2026-10-30: not yet
    with at(2026, 10, 25, 9):
        assert send_return_reminders() == {"due_soon": 3, "overdue": 0}
        assert send_return_reminders() == {"due_soon": 0, "overdue": 0}
    recipients = sorted(message.to[0] for message in mail.outbox)
    immd = [people["approver"].email, people["second_approver"].email]
    assert recipients == sorted([*immd, people["fehd_approver"].email])
    assert "2026Q3" in mail.outbox[0].subject
    assert "due soon" in mail.outbox[0].subject

    submit_return(bd_return=round_.returns.get(bd_code="ImmD"), by=people["approver"])
    mail.outbox.clear()
    with at(2026, 11, 2, 9):
        assert send_quarterly_return_reminders() == {"due_soon": 0, "overdue": 1}
        assert send_return_reminders() == {"due_soon": 0, "overdue": 0}
    assert [message.to for message in mail.outbox] == [[people["fehd_approver"].email]]
    assert "overdue" in mail.outbox[0].subject
    assert ReturnReminder.objects.count() == 4


def test_the_beat_tasks_are_scheduled_and_open_the_round(portfolio):
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"reports.tasks.open_quarterly_return_round", "reports.tasks.send_quarterly_return_reminders"} <= tasks
    with at(2026, 10, 1, 1):
        assert open_quarterly_return_round.delay().get() == "2026Q3"
        assert open_quarterly_return_round.delay().get() is None
