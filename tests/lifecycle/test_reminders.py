"""Daily reminders: overdue periodic reviews and stalled projects, each sent once."""

import smtplib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from lifecycle.models import ReminderLog
from lifecycle.services import hold_project, record_periodic_review, send_due_reminders
from tests.factories import approver, make_project, officer, pass_gate, put_in_operation

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
START = datetime(2025, 1, 15, 10, 0, tzinfo=HK)


def at(when, **delta):
    """Travel to ``when`` plus ``delta``, with the clock stopped."""
    return time_machine.travel(when + timedelta(**delta), tick=False)


@pytest.fixture
def stalled_after():
    return settings.TRACKER_STALLED_AFTER_DAYS


@pytest.fixture
def new(po, ap):
    """A project registered at START, still in identify."""
    with at(START):
        return make_project(by=po, project_officers=[po], responsible_officer=ap)


@pytest.fixture
def live(po, ap):
    """A project that went into operation at START: its first review is due on 15 January 2026."""
    with at(START):
        project = make_project(by=po, project_officers=[po], responsible_officer=ap)
        return put_in_operation(project, officer_user=po, approver_user=ap)


def test_an_overdue_review_reminds_the_responsible_officer(live, ap):
    with at(START, days=370):
        send_due_reminders()
    assert [message.to for message in mail.outbox] == [[ap.email]]


def test_the_overdue_reminder_names_the_project_and_links_to_it(live):
    with at(START, days=370):
        send_due_reminders()
    message = mail.outbox[0]
    assert (live.code in message.subject, f"{settings.SITE_URL}{live.get_absolute_url()}" in message.body) == (
        True,
        True,
    )


def test_the_overdue_reminder_is_logged_with_the_due_date_it_is_about(live, ap):
    with at(START, days=370):
        send_due_reminders()
    assert list(ReminderLog.objects.values_list("kind", "reference", "recipient")) == [
        ("overdue_review", "2026-01-15", ap.email)
    ]


def test_a_review_due_today_is_not_yet_overdue(live):
    with at(START, days=365):
        assert send_due_reminders() == {"overdue_review": 0, "stalled": 0}


def test_the_same_overdue_reminder_is_never_sent_twice(live):
    with at(START, days=370):
        send_due_reminders()
    with at(START, days=371):
        send_due_reminders()
    assert len(mail.outbox) == 1


def test_the_next_due_date_gets_its_own_reminder(live, ap):
    with at(START, days=370):
        send_due_reminders()
        record_periodic_review(
            project=live,
            by=ap,
            review_date=date(2026, 1, 19),
            kpi_results="On target",
            outcome="met",
            decision="continue",
        )
    with at(START, days=370 + 366):
        send_due_reminders()
    assert list(ReminderLog.objects.order_by("sent_at").values_list("reference", flat=True)) == [
        "2026-01-15",
        "2027-01-19",
    ]


def test_a_project_stalled_beyond_the_limit_is_reminded(new, ap, stalled_after):
    with at(START, days=stalled_after + 1):
        send_due_reminders()
    assert [(message.to, new.code in message.subject) for message in mail.outbox] == [([ap.email], True)]


def test_the_stalled_reminder_says_how_long_and_links_to_the_project(new, stalled_after):
    with at(START, days=stalled_after + 1):
        send_due_reminders()
    body = mail.outbox[0].body
    assert (f"for {stalled_after + 1} days" in body, f"{settings.SITE_URL}{new.get_absolute_url()}" in body) == (
        True,
        True,
    )


def test_a_project_within_the_limit_is_not_reminded(new, stalled_after):
    with at(START, days=stalled_after - 1):
        send_due_reminders()
    assert mail.outbox == []


def test_the_same_stalled_reminder_is_never_sent_twice(new, stalled_after):
    with at(START, days=stalled_after + 1):
        first = send_due_reminders()
    with at(START, days=stalled_after + 30):
        second = send_due_reminders()
    assert (first["stalled"], second["stalled"], len(mail.outbox)) == (1, 0, 1)


def test_a_project_that_moves_on_and_stalls_again_is_reminded_again(new, po, ap, stalled_after):
    with at(START, days=stalled_after + 1):
        send_due_reminders()
        pass_gate(new, officer_user=po, approver_user=ap)
    with at(START, days=2 * stalled_after + 3):
        send_due_reminders()
    assert list(ReminderLog.objects.order_by("sent_at").values_list("reference", flat=True)) == [
        f"identify:{START.astimezone(ZoneInfo('UTC')):%Y%m%d%H%M%S}",
        f"search:{(START + timedelta(days=stalled_after + 1)).astimezone(ZoneInfo('UTC')):%Y%m%d%H%M%S}",
    ]


def test_a_project_in_operation_is_not_stalled(live, stalled_after):
    with at(START, days=stalled_after + 1):
        send_due_reminders()
    assert mail.outbox == []


def test_a_project_on_hold_is_not_reminded(new, po, stalled_after):
    with at(START, days=1):
        hold_project(project=new, by=po, reason="Waiting for funds")
    with at(START, days=stalled_after + 10):
        send_due_reminders()
    assert mail.outbox == []


def test_without_a_responsible_officer_a_project_officer_is_reminded(stalled_after):
    po = officer("ImmD")
    with at(START):
        make_project(by=po, project_officers=[po])
    with at(START, days=stalled_after + 1):
        send_due_reminders()
    assert [message.to for message in mail.outbox] == [[po.email]]


def test_with_nobody_to_tell_nothing_is_sent_or_logged(stalled_after):
    po = officer("ImmD", email="")
    with at(START):
        make_project(by=po, project_officers=[po], responsible_officer=approver("ImmD", email=""))
    with at(START, days=stalled_after + 1):
        send_due_reminders()
    assert (mail.outbox, ReminderLog.objects.count()) == ([], 0)


def test_a_failed_send_is_not_logged_and_is_tried_again_the_next_day(new, stalled_after, monkeypatch):
    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Mail server unavailable")

    with monkeypatch.context() as patched, at(START, days=stalled_after + 1):
        patched.setattr("lifecycle.services.reminders.send_mail", down)
        send_due_reminders()
    with at(START, days=stalled_after + 2):
        send_due_reminders()
    assert (len(mail.outbox), ReminderLog.objects.count()) == (1, 1)


def test_a_failed_send_does_not_stop_the_other_reminders(new, live, stalled_after, monkeypatch):
    real_send_mail = mail.send_mail

    def fail_for_the_stalled_one(subject, *args, **kwargs):
        if new.code in subject:
            raise smtplib.SMTPRecipientsRefused({})
        return real_send_mail(subject, *args, **kwargs)

    monkeypatch.setattr("lifecycle.services.reminders.send_mail", fail_for_the_stalled_one)
    with at(START, days=370):
        counts = send_due_reminders()
    assert counts == {"overdue_review": 1, "stalled": 0}
