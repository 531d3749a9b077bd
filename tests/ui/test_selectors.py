"""The reads behind the pages: what a profile change adds, the actions on offer, the approver's queue,
the timeline's sentences."""

import pytest

from adoption.choices import RiskTier
from lifecycle.checklists import Profile
from lifecycle.selectors import available_actions, my_requests_waiting, profile_changes, waiting_for_me
from lifecycle.services import hold_project, request_gate_review
from lifecycle.services.checklist import current_template
from lifecycle.timeline import timeline
from tests.factories import approver, complete_stage, make_project, management, officer, pass_gate, screen

pytestmark = pytest.mark.django_db


def names(actions):
    return {action.name for action in actions}


def test_turning_on_personal_data_previews_the_items_it_adds_without_adding_them():
    user = officer()
    project = make_project(by=user)
    screen(project, user)
    project.refresh_from_db()
    before = project.checklist_items.count()
    profile = Profile(tier=project.risk_tier, generative_ai=False, personal_data=True, public_facing=False)
    changes = profile_changes(project=project, profile=profile)
    assert changes.added
    assert all("pd" in item.applies or "t2plus" in item.applies for item in changes.added)
    assert project.checklist_items.count() == before
    # The same profile changes nothing.
    assert not profile_changes(project=project, profile=project.profile).any


def test_a_new_projects_preview_lists_only_what_the_profile_adds():
    profile = Profile(tier=RiskTier.HIGH, generative_ai=True, personal_data=False, public_facing=False)
    changes = profile_changes(project=None, profile=profile, template_version=current_template().version)
    assert changes.now_required  # the tier makes the recommended items required
    assert all(item.applies != ["all"] for item in changes.added + changes.now_required)
    blank = Profile(tier=RiskTier.LOW, generative_ai=False, personal_data=False, public_facing=False)
    assert not profile_changes(project=None, profile=blank, template_version=current_template().version).any


def test_actions_follow_role_state_and_preconditions():
    author, decider = officer(), approver()
    project = make_project(by=author)
    assert names(available_actions(project, author)) == {"hold", "cancel"}
    assert names(available_actions(project, management())) == set()
    complete_stage(project, author)
    project.refresh_from_db()
    from lifecycle.views.common import gate_context

    assert names(gate_context(project, author)["actions"]) == {"request_review", "hold", "cancel"}
    review = request_gate_review(project=project, by=author)
    context = gate_context(project, author)
    assert names(context["actions"]) == {"withdraw"}
    assert names(gate_context(project, decider)["actions"]) == set()
    assert list(waiting_for_me(decider)) == [review]
    assert list(my_requests_waiting(author)) == [review]
    assert list(waiting_for_me(approver("FEHD"))) == []


def test_on_hold_offers_resume_only():
    author = officer()
    project = make_project(by=author)
    hold_project(project=project, by=author, reason="Budget")
    project.refresh_from_db()
    assert names(available_actions(project, author)) == {"resume", "cancel"}


def test_timeline_tells_the_gate_in_sentences():
    author = officer(first_name="Tai Man", last_name="Chan")
    decider = approver(first_name="Siu Ming", last_name="Wong")
    project = make_project(by=author)
    pass_gate(project, officer_user=author, approver_user=decider)
    sentences = [entry.sentence for entry in timeline(project)]
    assert "Siu Ming Wong approved gate 1." in sentences
    assert "Tai Man Chan requested the review of gate 1." in sentences
    assert "The project moved to stage 2: Search." in sentences
