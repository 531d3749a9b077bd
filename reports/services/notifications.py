"""The e-mail that tells a requester their report is ready (or why it is not)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from reports.models import ReportRun


def send_finished_email(run: ReportRun) -> None:
    person = run.requested_by
    if not person.email:
        return
    with translation.override(run.language):
        context = {"run": run, "person": person, "link": f"{settings.SITE_URL}{run.get_absolute_url()}"}
        subject = render_to_string("reports/email/run_finished_subject.txt", context).strip()
        body = render_to_string("reports/email/run_finished.txt", context)
    send_mail(subject, body, None, [person.email])
