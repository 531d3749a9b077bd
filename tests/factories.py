"""Factories for users and projects. Projects are made through the services, as users make them."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from adoption.choices import Role, ScopeLevel
from adoption.models import OrgUnit, User

PASSWORD = "correct horse battery staple"

NO_RISK_ANSWERS = {
    "unacceptable_use": False,
    "decides_on_individuals": False,
    "acts_autonomously": False,
    "critical_infrastructure": False,
    "personal_data": False,
    "generative_ai": False,
    "public_facing": False,
    "decision_support": False,
}


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gov.hk")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.PROJECT_OFFICER
    scope_level = ScopeLevel.OWN_UNIT
    org_unit = factory.LazyFunction(lambda: unit("ImmD"))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


def officer(code="ImmD", **kwargs) -> User:
    return UserFactory(role=Role.PROJECT_OFFICER, org_unit=unit(code), **kwargs)


def approver(code="ImmD", **kwargs) -> User:
    return UserFactory(role=Role.GATE_APPROVER, org_unit=unit(code), **kwargs)


def management(code="SB", scope=ScopeLevel.UNIT_TREE, **kwargs) -> User:
    return UserFactory(role=Role.MANAGEMENT, org_unit=unit(code) if code else None, scope_level=scope, **kwargs)


def dpo_officer(**kwargs) -> User:
    return UserFactory(role=Role.DPO_OFFICER, org_unit=unit("DPO"), scope_level=ScopeLevel.ALL, **kwargs)


def make_project(*, by: User, bd: OrgUnit | None = None, **fields):
    from adoption.services import create_project

    defaults = {
        "title_en": "Visa application triage",
        "title_zh_hant": "簽證申請分流",
        "business_owner": "Assistant Director (Visa)",
        "business_problem": "Backlog of applications",
        "strategy": "bespoke",
        "category": "document_processing",
    }
    return create_project(by=by, bd=bd or by.org_unit, **{**defaults, **fields})


def pdf_upload(name="evidence.pdf", size=200) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, content_type="application/pdf")


def screen(project, by, **answers):
    from lifecycle.services import screen_risk

    return screen_risk(project=project, by=by, answers={**NO_RISK_ANSWERS, **answers})


def complete_stage(project, by, *, note="Done, see the attached record."):
    """Tick every open item of the project's current stage (screening it first when needed)."""
    from lifecycle.choices import ItemStatus
    from lifecycle.models import ChecklistItem
    from lifecycle.services import complete_item

    if project.risk_tier == "unscreened":
        screen(project, by)
    project.refresh_from_db()
    for item in ChecklistItem.objects.filter(project=project, stage=project.stage, status=ItemStatus.OPEN):
        complete_item(item=item, by=by, note=note)


def pass_gate(project, *, officer_user, approver_user):
    from lifecycle.services import approve_gate_review, request_gate_review

    complete_stage(project, officer_user)
    review = request_gate_review(project=project, by=officer_user)
    approve_gate_review(review=review, by=approver_user)
    project.refresh_from_db()
    return project
