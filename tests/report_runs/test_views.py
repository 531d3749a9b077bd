"""The report pages: who may request what, who sees which run, the download, Redis down."""

import pytest
from django.core import mail
from django.urls import reverse

from adoption.choices import ScopeLevel
from reports.models import ReportRun, RunStatus
from reports.scopes import ReportScope
from tests.factories import PASSWORD, UserFactory, approver, dpo_officer, management, officer, unit
from tests.report_runs.test_generation import make_run

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def request_form(scope="tree:SB", **extra):
    return {
        "scope": scope,
        "period_kind": "quarter",
        "quarter": "2026Q1",
        "format": "pdf",
        "language": "en",
        **extra,
    }


def scope_values(response) -> list[str]:
    return [value for value, _label in response.context["form"].fields["scope"].choices]


def test_the_scope_picker_offers_only_the_users_scope(client):
    sb = management("SB", ScopeLevel.UNIT_TREE)
    login(client, sb)
    values = scope_values(client.get(reverse("report_runs:run_request")))
    assert "tree:SB" in values
    assert "unit:ImmD" in values
    assert "all" not in values
    assert "tree:EEB" not in values
    assert "unit:FEHD" not in values

    client.logout()
    login(client, officer("ImmD"))
    assert scope_values(client.get(reverse("report_runs:run_request"))) == ["unit:ImmD"]

    client.logout()
    login(client, dpo_officer())
    values = scope_values(client.get(reverse("report_runs:run_request")))
    assert values[0] == "all"
    assert {"tree:SB", "tree:EEB", "unit:FEHD"} <= set(values)


def test_management_of_a_bureau_cannot_ask_for_another_bureau(client):
    login(client, management("SB", ScopeLevel.UNIT_TREE))
    for scope in ("tree:EEB", "all", "unit:FEHD", "tree:NOPE", "garbage"):
        response = client.post(reverse("report_runs:run_request"), request_form(scope=scope))
        assert response.status_code == 200
        assert response.context["form"].errors["scope"]
    assert not ReportRun.objects.exists()


def test_a_request_creates_a_run_and_generates_it(client, django_capture_on_commit_callbacks, portfolio):
    user = portfolio["people"]["management_sb"]
    login(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_runs:run_request"), request_form(format="xlsx"))
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response.url == run.get_absolute_url()
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert (run.requested_by, run.scope_unit.code, run.format) == (user, "SB", "xlsx")
    assert len(mail.outbox) == 1
    assert run.get_absolute_url() in mail.outbox[0].body
    download = client.get(reverse("report_runs:run_download", args=[run.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(download.streaming_content)[:2] == b"PK"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"period_kind": "range", "period_start": "2026-03-01", "period_end": "2026-02-01"}, "period_end"),
        ({"period_kind": "range", "period_start": "", "period_end": ""}, "period_start"),
        ({"period_kind": "range", "period_start": "not a date", "period_end": "2026-02-01"}, "period_start"),
        ({"period_kind": "range", "period_start": "2010-01-01", "period_end": "2010-02-01"}, "period_start"),
        ({"period_kind": "range", "period_start": "2099-01-01", "period_end": "2099-02-01"}, "period_start"),
        ({"quarter": "2026Q9"}, "quarter"),
        ({"format": "docx"}, "format"),
        ({"language": "fr"}, "language"),
        ({"period_kind": "sometimes"}, "period_kind"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, bad, field):
    login(client, dpo_officer())
    response = client.post(reverse("report_runs:run_request"), request_form(**bad))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'aria-invalid="true"' in response.text or field in ("period_kind", "format", "language")
    assert "There is a problem" in response.text
    assert not ReportRun.objects.exists()


def test_users_without_reports_get_404(client):
    login(client, UserFactory(role="", org_unit=None))
    assert client.get(reverse("report_runs:run_list")).status_code == 404
    assert client.get(reverse("report_runs:run_request")).status_code == 404


def test_runs_are_seen_and_downloaded_only_within_scope(client, tmp_path):
    dpo = dpo_officer()
    run = make_run(dpo, ReportScope.tree(unit("SB")), format="pdf", language="en")
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, progress=100)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save(run.storage_name(), ContentFile(b"%PDF-1.7 test"))
    ReportRun.objects.filter(pk=run.pk).update(file=name)
    urls = [
        reverse("report_runs:run_detail", args=[run.pk]),
        reverse("report_runs:run_status", args=[run.pk]),
        reverse("report_runs:run_download", args=[run.pk]),
    ]
    expectations = {
        "dpo": (dpo, 200),
        "management_sb": (management("SB", ScopeLevel.UNIT_TREE), 200),
        "management_all": (management(None, ScopeLevel.ALL), 200),
        "management_immd": (management("ImmD", ScopeLevel.OWN_UNIT), 404),  # the report covers more than ImmD
        "officer_immd": (officer("ImmD"), 404),
        "management_eeb": (management("EEB", ScopeLevel.UNIT_TREE), 404),
        "approver_fehd": (approver("FEHD"), 404),
        "no_role": (UserFactory(role="", org_unit=None), 404),
    }
    for who, (user, status) in expectations.items():
        client.logout()
        login(client, user)
        for url in urls:
            assert client.get(url).status_code == status, (who, url)
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302  # to sign in


def test_the_list_shows_own_runs_and_dpo_sees_all(client, django_assert_num_queries):
    dpo = dpo_officer()
    sb = management("SB", ScopeLevel.UNIT_TREE)
    immd = officer("ImmD")
    own = make_run(sb, ReportScope.single(unit("ImmD")), format="pdf", language="en")
    colleague = make_run(immd, ReportScope.single(unit("ImmD")), format="xlsx", language="zh-hant")
    scheduled = make_run(dpo, ReportScope.tree(unit("SB")), format="pdf", language="en")
    ReportRun.objects.filter(pk=scheduled.pk).update(schedule_name="Quarterly portfolio report: SB")
    other = make_run(dpo, ReportScope.all(), format="pdf", language="en")

    login(client, sb)
    shown = {run.pk for run in client.get(reverse("report_runs:run_list")).context["page"]}
    assert shown == {own.pk, scheduled.pk}
    client.logout()
    login(client, dpo)
    shown = {run.pk for run in client.get(reverse("report_runs:run_list")).context["page"]}
    assert shown == {own.pk, colleague.pk, scheduled.pk, other.pk}

    # The list's query count does not grow with the number of runs.
    with django_assert_num_queries(4):  # session, user, count, the page of runs with requester and unit
        client.get(reverse("report_runs:run_list"))
    for _ in range(10):
        make_run(immd, ReportScope.single(unit("ImmD")), format="pdf", language="en")
    with django_assert_num_queries(4):
        client.get(reverse("report_runs:run_list"))


def test_the_status_partial_polls_until_the_run_finishes(client):
    dpo = dpo_officer()
    run = make_run(dpo, ReportScope.all(), format="pdf", language="en")
    login(client, dpo)
    url = reverse("report_runs:run_status", args=[run.pk])
    assert 'hx-trigger="every 2s"' in client.get(url).text
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=40, stage_note="Cycle times")
    running = client.get(url).text
    assert 'value="40"' in running
    assert "Cycle times" in running
    assert "hx-trigger" in running
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error_message="It broke.")
    finished = client.get(url).text
    assert "It broke." in finished
    assert "hx-trigger" not in finished
    assert "hx-trigger" not in client.get(url + "?compact=1").text


def test_the_nav_links_to_reports_for_holders_of_request_report(client):
    login(client, officer("ImmD"))
    assert reverse("report_runs:run_list") in client.get(reverse("adoption:project_list")).text
    client.logout()
    login(client, UserFactory(role="", org_unit=None))
    assert reverse("report_runs:run_list") not in client.get(reverse("adoption:project_list")).text


class TestSchedules:
    """seed_reference_data's quarterly schedules, editable by DPO officers in the admin."""

    def test_default_schedules_exist_and_run_as_the_scheduler(self, django_capture_on_commit_callbacks):
        import json

        from django.conf import settings
        from django_celery_beat.models import PeriodicTask

        from reports.tasks import generate_scheduled_report

        tasks = {
            task.name: task for task in PeriodicTask.objects.filter(task="reports.tasks.generate_scheduled_report")
        }
        assert "Quarterly portfolio report: all B/Ds" in tasks
        assert "Quarterly portfolio report: SB" in tasks
        assert tasks["Quarterly portfolio report: SB"].crontab.month_of_year == "1,4,7,10"
        kwargs = json.loads(tasks["Quarterly portfolio report: SB"].kwargs)
        assert kwargs["scope"] == "tree:SB"
        assert PeriodicTask.objects.filter(task="reports.tasks.sweep_stuck_reports").exists()
        with django_capture_on_commit_callbacks(execute=False):
            run_id = generate_scheduled_report.apply(kwargs=kwargs).get()
        run = ReportRun.objects.get(pk=run_id)
        assert run.requested_by.username == settings.TRACKER_REPORT_SCHEDULER_USERNAME
        assert run.schedule_name == "Quarterly portfolio report: SB"
        assert run.scope_unit.code == "SB"

    def test_dpo_officers_edit_schedules_in_the_admin(self, client):
        from django_celery_beat.models import PeriodicTask

        task = PeriodicTask.objects.get(name="Quarterly portfolio report: all B/Ds")
        login(client, dpo_officer(is_staff=True))
        assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200
        assert client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])).status_code == 200
        assert client.get(reverse("admin:django_celery_beat_crontabschedule_changelist")).status_code == 200
        client.logout()
        login(client, management(None, ScopeLevel.ALL, is_staff=True))
        assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 403
