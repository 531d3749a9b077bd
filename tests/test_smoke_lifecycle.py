import pytest

from tests.factories import approver, make_project, officer, pass_gate

pytestmark = pytest.mark.django_db


def test_a_project_passes_its_first_gate():
    po, ap = officer(), approver()
    project = make_project(by=po)
    pass_gate(project, officer_user=po, approver_user=ap)
    assert project.stage == "search"
