"""The pages: who sees which return (404 outside scope), the workflow by role, downloads, import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from adoption.models import Project
from reports.models import LineRemark, ReturnStatus
from reports.returns.services import open_round
from tests.factories import PASSWORD, dpo_officer, management, officer
from tests.returns.conftest import at
from tests.returns.test_import import GOOD, HEADINGS, csv_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(portfolio):
    with at(2026, 10, 20, 9):
        return open_round(quarter="2026Q3")


def client_for(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def bd_url(name="bd_return", code="ImmD", *args):
    return reverse(f"returns:{name}", args=["2026Q3", code, *args])


def test_a_bds_return_is_404_to_other_bds_and_visible_to_its_own(client, people, round_):
    client_for(client, people["fehd_officer"])
    assert client.get(bd_url()).status_code == 404
    assert client.get(bd_url("bd_return_download", "ImmD", "csv")).status_code == 404
    assert client.get(reverse("returns:round_detail", args=["2026Q3"])).status_code == 404
    assert client.get(reverse("returns:round_download", args=["2026Q3", "xlsx"])).status_code == 404
    assert client.get(bd_url(code="FEHD")).status_code == 200
    page = client.get(reverse("returns:round_list"))
    assert page.status_code == 200
    assert bd_url(code="FEHD").encode() in page.content
    assert bd_url().encode() not in page.content


def test_management_of_the_bureau_reads_but_cannot_change(client, round_):
    client_for(client, management("SB"))
    page = client.get(bd_url())
    assert page.status_code == 200
    assert b"remark-" not in page.content
    line = round_.lines.filter(bd_code="ImmD").first()
    client.post(bd_url(), {"action": "remarks", f"remark-{line.pk}": "sneaky"})
    assert not LineRemark.objects.exists()


def test_the_workflow_remarks_submit_return_resubmit_accept(client, people, round_):
    immd = round_.returns.get(bd_code="ImmD")
    line = immd.lines.get(code="ImmD-2026-0001")
    client_for(client, people["officer"])
    page = client.get(bd_url())
    assert f'id="remark-{line.pk}"'.encode() in page.content
    assert b"Submit the return" not in page.content
    client.post(bd_url(), {"action": "remarks", f"remark-{line.pk}": "Gate 2 passed in August."})
    assert LineRemark.objects.get(line=line).text == "Gate 2 passed in August."
    assert client.post(bd_url(), {"action": "submit"}).status_code == 200
    immd.refresh_from_db()
    assert immd.status == ReturnStatus.DRAFT  # an officer cannot submit

    client.logout()
    client_for(client, people["approver"])
    client.post(bd_url(), {"action": "submit", "submit-comment": "Reviewed."})
    immd.refresh_from_db()
    assert immd.status == ReturnStatus.SUBMITTED
    assert immd.submitted_by == people["approver"]
    client.post(bd_url(), {"action": "remarks", f"remark-{line.pk}": "Too late"})
    assert LineRemark.objects.get(line=line).text == "Gate 2 passed in August."

    client.logout()
    dpo = dpo_officer()
    client_for(client, dpo)
    page = client.post(bd_url(), {"action": "decide", "decision-decision": "return", "decision-comment": ""})
    assert "Say what the B/D needs to change." in page.content.decode()
    client.post(
        bd_url(), {"action": "decide", "decision-decision": "return", "decision-comment": "Add the go-live date."}
    )
    immd.refresh_from_db()
    assert immd.status == ReturnStatus.RETURNED
    assert immd.dpo_comment == "Add the go-live date."

    client.logout()
    client_for(client, people["approver"])
    client.post(bd_url(), {"action": "submit"})
    client.logout()
    client_for(client, dpo)
    client.post(bd_url(), {"action": "decide", "decision-decision": "accept"})
    immd.refresh_from_db()
    assert immd.status == ReturnStatus.ACCEPTED
    assert [e.action for e in immd.events.order_by("at", "id")] == ["submitted", "returned", "submitted", "accepted"]


def test_dpo_sees_every_bd_and_what_is_overdue(client, round_, django_assert_max_num_queries):
    client_for(client, dpo_officer())
    with at(2026, 11, 5, 9):
        page = client.get(reverse("returns:round_detail", args=["2026Q3"]))
        overdue = client.get(reverse("returns:round_detail", args=["2026Q3"]) + "?show=overdue")
    text = page.content.decode()
    assert "ImmD" in text
    assert "FEHD" in text
    assert "Overdue" in text
    assert "FEHD" in overdue.content.decode()


def test_downloads_stream_with_the_right_type_and_name(client, people, round_):
    client_for(client, dpo_officer())
    response = client.get(reverse("returns:round_download", args=["2026Q3", "csv"]))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="quarterly-return-2026Q3-all-BDs.csv"'
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")
    response = client.get(reverse("returns:round_download", args=["2026Q3", "xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    client.logout()
    client_for(client, people["officer"])
    response = client.get(bd_url("bd_return_download", "ImmD", "xlsx"))
    assert response.status_code == 200
    assert "ImmD.xlsx" in response["Content-Disposition"]
    assert client.get(reverse("returns:round_download", args=["2026Q3", "csv"])).status_code == 404


def test_dpo_opens_a_round_from_the_page(client, portfolio):
    client_for(client, dpo_officer())
    with at(2026, 10, 3, 9):
        page = client.post(reverse("returns:round_list"), {"quarter": "2026Q3", "due_date": "2026-09-01"})
        assert "The due date must be after the end of the quarter." in page.content.decode()
        response = client.post(reverse("returns:round_list"), {"quarter": "2026Q3", "due_date": ""})
    assert response.status_code == 302
    assert response["Location"].endswith("/returns/2026Q3/")


def test_bad_urls_are_404_not_500(client, round_):
    client_for(client, dpo_officer())
    assert client.get("/returns/nonsense/").status_code == 404
    assert client.get("/returns/2026Q3/NOPE/").status_code == 404
    assert client.get("/returns/2026Q3/return.pdf", follow=True).status_code == 404
    assert client.get(bd_url() + "?changes=bogus&page=zzz").status_code == 200


def test_import_page_dry_run_then_confirm(client):
    user = officer("ImmD")
    client_for(client, user)
    assert client.get(reverse("imports:upload")).status_code == 200
    template = client.get(reverse("imports:template"))
    assert "filename*=utf-8''%E9%A0%85%E7%9B%AE" in template["Content-Disposition"]
    bad = [[*GOOD[:1], "NOPE", *GOOD[2:]]]
    response = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("bad.csv", csv_file(bad).getvalue())})
    page = client.get(response["Location"]).content.decode()
    assert "There is no B/D with the code “NOPE”." in page
    assert "B/D code / 局／部門代碼" in page
    assert not Project.objects.exists()
    response = client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("good.csv", csv_file([GOOD]).getvalue())}
    )
    batch_url = response["Location"]
    assert "ready to import" in client.get(batch_url).content.decode()
    client.post(batch_url + "import/")
    assert Project.objects.get().code == "ImmD-2026-0500"
    client.post(batch_url + "import/")
    assert Project.objects.count() == 1
    upload = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert "Upload the XLSX template or a CSV file." in upload.content.decode()


def test_import_pages_are_404_to_roles_that_cannot_import_and_to_other_users(client):
    owner = officer("ImmD")
    client_for(client, owner)
    response = client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("good.csv", csv_file([GOOD]).getvalue())}
    )
    batch_url = response["Location"]
    client.logout()
    client_for(client, officer("ImmD"))
    assert client.get(batch_url).status_code == 404
    client.logout()
    client_for(client, management("SB"))
    assert client.get(reverse("imports:upload")).status_code == 404
    assert client.get(reverse("imports:template")).status_code == 404


def test_the_inventory_download_holds_only_projects_in_scope(client, portfolio, people):
    client_for(client, people["fehd_officer"])
    content = b"".join(client.get(reverse("imports:inventory", args=["csv"])).streaming_content).decode("utf-8-sig")
    assert "FEHD-2026-0001" in content
    assert "ImmD-" not in content
    assert HEADINGS
    assert io


def test_the_rounds_list_queries_do_not_grow_with_the_rounds(client, people, round_, django_assert_num_queries):
    from reports.returns.services import open_round

    client_for(client, dpo_officer())
    # session, user, rounds, one summary for all rounds (plus the open-round form's rounds)
    with django_assert_num_queries(5):
        assert client.get(reverse("returns:round_list")).status_code == 200
    with at(2027, 1, 3, 9):
        open_round(quarter="2026Q4")
    with django_assert_num_queries(5):
        page = client.get(reverse("returns:round_list"))
    assert "2026Q4" in page.content.decode()


def test_the_round_and_return_pages_queries_do_not_grow_with_the_lines(
    client, people, round_, django_assert_num_queries
):
    from tests.factories import make_project

    client_for(client, dpo_officer())
    counts = []
    for quarter, moment in (("2026Q3", None), ("2026Q4", (2027, 1, 3, 9))):
        if moment:
            with at(2026, 12, 1, 9):
                for number in range(12):
                    make_project(by=people["officer"], code=f"ImmD-2026-{300 + number}")
            with at(*moment):
                open_round(quarter=quarter)
        with CaptureQueriesContext(connection) as round_page:
            client.get(reverse("returns:round_detail", args=[quarter]))
        with CaptureQueriesContext(connection) as return_page:
            client.get(reverse("returns:bd_return", args=[quarter, "ImmD"]))
        counts.append((len(round_page), len(return_page)))
    assert counts[0] == counts[1]
    # session, user, round, its B/D returns, status counts; session, user, return, lines count,
    # lines with remarks, history
    assert counts[0] == (5, 6)
