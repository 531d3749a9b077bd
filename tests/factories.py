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


def png_upload(name="screenshot.png") -> SimpleUploadedFile:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def docx_upload(name="minutes.docx") -> SimpleUploadedFile:
    """A minimal but genuine Word document (an Office Open XML package)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Minutes</w:t></w:r></w:p></w:body></w:document>",
        )
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def xlsx_upload(name="kpis.xlsx") -> SimpleUploadedFile:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["KPI", "baseline", "target"])
    workbook.active.append(["Applications triaged a day", 120, 300])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def exe_upload(name="report.pdf") -> SimpleUploadedFile:
    """A Windows executable (it starts with "MZ") under an innocent name."""
    return SimpleUploadedFile(
        name, b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500, content_type="application/pdf"
    )


def large_upload(path, size: int, name="scan.pdf"):
    """A file of ``size`` bytes that begins like a PDF, made sparse on disk so it costs nothing to create."""
    from django.core.files import File

    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(size)
    return File(open(path, "rb"), name=name)


def complete_required(project, by, *, note="Done, see the attached record."):
    """Tick only the items that block the current stage's gate (screening first when needed)."""
    from lifecycle.services import blocking_items, complete_item

    if project.risk_tier == "unscreened":
        screen(project, by)
    project.refresh_from_db()
    for item in blocking_items(project, project.stage):
        complete_item(item=item, by=by, note=note)


def pass_gate_quickly(project, *, officer_user, approver_user):
    """Pass the current gate with only the required items done."""
    from lifecycle.services import approve_gate_review, request_gate_review

    complete_required(project, officer_user)
    review = request_gate_review(project=project, by=officer_user)
    approve_gate_review(review=review, by=approver_user)
    project.refresh_from_db()
    return project


def put_in_operation(project, *, officer_user, approver_user):
    """Pass all five gates: the project is in operation in deploy_improve."""
    from lifecycle.stages import Stage

    while project.stage != Stage.DEPLOY_IMPROVE:
        pass_gate_quickly(project, officer_user=officer_user, approver_user=approver_user)
    return pass_gate_quickly(project, officer_user=officer_user, approver_user=approver_user)


def bring_to_stage(project, stage: str, *, officer_user, approver_user):
    """Pass gates until the project is in ``stage`` (one of the five)."""
    while project.stage != stage:
        pass_gate_quickly(project, officer_user=officer_user, approver_user=approver_user)
    return project
