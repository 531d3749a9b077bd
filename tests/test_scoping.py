"""The permission matrix: every role × inside / outside scope × read / write, over every URL.

A project of the Immigration Department (ImmD, under the Security Bureau) is probed by users
inside and outside its scope. Out of scope is always a 404 (or, in the admin, "does not exist"),
never a 403 that would confirm the project exists.
"""

import pytest
from django.urls import reverse

from adoption.choices import ScopeLevel
from adoption.models import Project
from adoption.roles import Permission
from adoption.services import update_project
from lifecycle.errors import ActionRefused
from tests.factories import PASSWORD, UserFactory, approver, dpo_officer, make_project, management, officer

pytestmark = pytest.mark.django_db

# role key → (can see an ImmD project, can change it)
EXPECTED = {
    "officer_immd": (True, True),
    "approver_immd": (True, False),
    "management_immd": (True, False),
    "management_sb": (True, False),
    "management_all": (True, False),
    "dpo": (True, False),
    "superuser": (True, False),
    "officer_hkpf": (False, False),
    "approver_fehd": (False, False),
    "management_eeb": (False, False),
    "no_role": (False, False),
}


@pytest.fixture
def people():
    return {
        "officer_immd": officer("ImmD"),
        "approver_immd": approver("ImmD"),
        "management_immd": management("ImmD", ScopeLevel.OWN_UNIT),
        "management_sb": management("SB", ScopeLevel.UNIT_TREE),
        "management_all": management(None, ScopeLevel.ALL),
        "dpo": dpo_officer(is_staff=True),
        "superuser": UserFactory(role="", org_unit=None, is_staff=True, is_superuser=True),
        "officer_hkpf": officer("HKPF"),
        "approver_fehd": approver("FEHD"),
        "management_eeb": management("EEB", ScopeLevel.UNIT_TREE),
        "no_role": UserFactory(role="", org_unit=None),
    }


@pytest.fixture
def immd_project(people):
    return make_project(by=people["officer_immd"])


@pytest.fixture
def hkpf_project():
    return make_project(by=officer("HKPF"), title_en="Patrol scheduling")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_restrict_is_the_matrix(people, immd_project, who):
    user = people[who]
    can_view, can_change = EXPECTED[who]
    assert Project.objects.restrict(user).filter(pk=immd_project.pk).exists() is can_view
    assert Project.objects.restrict(user, Permission.CHANGE_PROJECT).filter(pk=immd_project.pk).exists() is can_change


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_project_pages(client, people, immd_project, who):
    user = people[who]
    can_view, _ = EXPECTED[who]
    login(client, user)
    detail = client.get(reverse("adoption:project_detail", args=[immd_project.pk]))
    assert detail.status_code == (200 if can_view else 404)
    listing = client.get(reverse("adoption:project_list"))
    assert listing.status_code == 200
    assert (immd_project.code in listing.text) is can_view


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_changing_a_project(people, immd_project, who):
    user = people[who]
    _, can_change = EXPECTED[who]
    if can_change:
        update_project(project=immd_project, by=user, changes={"next_milestone": "Pilot in March"})
        immd_project.refresh_from_db()
        assert immd_project.next_milestone == "Pilot in March"
    else:
        with pytest.raises(ActionRefused):
            update_project(project=immd_project, by=user, changes={"next_milestone": "Pilot in March"})
        immd_project.refresh_from_db()
        assert immd_project.next_milestone == ""


def test_bureau_management_sees_its_departments_only(people, immd_project, hkpf_project):
    fehd_project = make_project(by=officer("FEHD"), title_en="Hygiene inspection imagery")
    visible = set(Project.objects.restrict(people["management_sb"]).values_list("pk", flat=True))
    assert visible == {immd_project.pk, hkpf_project.pk}
    visible = set(Project.objects.restrict(people["management_eeb"]).values_list("pk", flat=True))
    assert visible == {fehd_project.pk}


def test_anonymous_users_are_sent_to_sign_in(client, immd_project):
    for url in (reverse("adoption:project_list"), reverse("adoption:project_detail", args=[immd_project.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_an_officer_cannot_register_a_project_for_another_bd(people):
    with pytest.raises(ActionRefused):
        make_project(by=people["officer_immd"], bd=people["officer_hkpf"].org_unit)
    assert not Project.objects.exists()


def test_an_officer_cannot_move_a_project_out_of_scope(people, immd_project):
    with pytest.raises(ActionRefused):
        update_project(project=immd_project, by=people["officer_immd"], changes={"bd": people["officer_hkpf"].org_unit})
    immd_project.refresh_from_db()
    assert immd_project.bd.code == "ImmD"


class TestAdmin:
    """The admin lists only what the user's scope allows and changes nothing directly."""

    def test_staff_in_scope_see_the_project(self, client, people, immd_project, hkpf_project):
        login(client, people["dpo"])
        response = client.get(reverse("admin:adoption_project_changelist"))
        assert response.status_code == 200
        assert immd_project.code in response.text
        assert hkpf_project.code in response.text
        assert client.get(reverse("admin:adoption_project_change", args=[immd_project.pk])).status_code == 200

    def test_staff_out_of_scope_do_not(self, client, immd_project, hkpf_project):
        staff_officer = officer("HKPF", is_staff=True)
        login(client, staff_officer)
        response = client.get(reverse("admin:adoption_project_changelist"))
        assert response.status_code == 200
        assert hkpf_project.code in response.text
        assert immd_project.code not in response.text
        response = client.get(reverse("admin:adoption_project_change", args=[immd_project.pk]))
        assert response.status_code == 302  # "doesn't exist", the same as for a missing id
        response = client.get(reverse("admin:lifecycle_auditevent_changelist"))
        assert immd_project.code not in response.text

    def test_projects_cannot_be_changed_or_deleted_in_the_admin(self, client, people, immd_project):
        login(client, people["superuser"])
        response = client.post(
            reverse("admin:adoption_project_change", args=[immd_project.pk]), {"title_en": "Changed"}
        )
        assert response.status_code == 403
        response = client.post(reverse("admin:adoption_project_delete", args=[immd_project.pk]), {"post": "yes"})
        assert response.status_code == 403
        immd_project.refresh_from_db()
        assert immd_project.title_en == "Visa application triage"

    def test_non_staff_cannot_enter_the_admin(self, client, people):
        login(client, people["officer_immd"])
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302

    def test_only_superusers_manage_users(self, client, people):
        login(client, people["dpo"])
        assert client.get(reverse("admin:adoption_user_changelist")).status_code == 403
        login(client, people["superuser"])
        assert client.get(reverse("admin:adoption_user_changelist")).status_code == 200
