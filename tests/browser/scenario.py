"""A small, realistic portfolio for the screenshots and the browser tests, made through the services."""

from django.utils import timezone

from lifecycle.choices import ItemStatus
from lifecycle.models import ChecklistItem
from lifecycle.services import add_evidence, complete_item, request_gate_review
from tests.factories import approver, complete_stage, make_project, officer, pass_gate, pdf_upload, screen


def build():
    """Officer and approver of ImmD, one officer of FEHD, and five ImmD projects at different points."""
    chan = officer(username="chan.taiman", first_name="Tai Man", last_name="Chan", post_title="Systems Manager")
    wong = approver(
        username="wong.siuming", first_name="Siu Ming", last_name="Wong", post_title="Chief Systems Manager"
    )
    lee = approver(username="lee.kawai", first_name="Ka Wai", last_name="Lee", post_title="Senior Systems Manager")
    outsider = officer("FEHD", username="ho.mei", first_name="Mei", last_name="Ho")

    chatbot = make_project(
        by=chan,
        title_en="Visa enquiry chatbot",
        title_zh_hant="簽證查詢聊天機械人",
        strategy="off_the_shelf",
        category="chatbot",
        responsible_officer=wong,
        business_problem="Phone lines are busy with routine visa enquiries; callers wait too long.",
    )
    screen(chatbot, chan, generative_ai=True, genai_output_to_public=False, public_facing=True)
    chatbot.refresh_from_db()
    first = ChecklistItem.objects.filter(project=chatbot, status=ItemStatus.OPEN).order_by("template_item__order")
    items = list(first)
    if items:
        complete_item(item=items[0], by=chan, note="Endorsed by the Assistant Director (Visa) on 3 March.")
    if len(items) > 1:
        add_evidence(item=items[1], by=chan, upload=pdf_upload("kpi-baseline.pdf"))

    triage = make_project(by=chan, title_en="Visa application triage", title_zh_hant="簽證申請分流")
    pass_gate(triage, officer_user=chan, approver_user=wong)
    complete_stage(triage, chan)
    request_gate_review(project=triage, by=chan, note="Market scan done; two catalogue solutions shortlisted.")

    ocr = make_project(
        by=chan, title_en="Passport form OCR", title_zh_hant="護照表格光學字元辨識", category="document_processing"
    )
    complete_stage(ocr, chan)
    request_gate_review(project=ocr, by=chan)

    transcribe = make_project(
        by=chan,
        title_en="Counter conversation transcription",
        title_zh_hant="櫃台對話轉錄",
        category="speech_translation",
    )
    for _ in range(3):
        pass_gate(transcribe, officer_user=chan, approver_user=lee)

    make_project(
        by=chan, title_en="Queue length forecasting", title_zh_hant="輪候人數預測", category="predictive_analytics"
    )
    return {
        "officer": chan,
        "approver": wong,
        "approver2": lee,
        "outsider": outsider,
        "chatbot": chatbot,
        "triage": triage,
        "ocr": ocr,
        "transcribe": transcribe,
        "now": timezone.now(),
    }
