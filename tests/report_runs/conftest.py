"""A known portfolio for the report tests, built through the services at fixed moments."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from adoption.choices import ScopeLevel
from lifecycle.services import open_incident
from tests.factories import approver, dpo_officer, make_project, management, officer, pass_gate, screen

HK = ZoneInfo("Asia/Hong_Kong")


def at(*args) -> datetime:
    return datetime(*args, 9, 0, tzinfo=HK)


@pytest.fixture
def portfolio(db):
    """Security Bureau: three ImmD/HKPF projects; Environment and Ecology Bureau: one FEHD project.

    - ImmD "Visa application triage" (generative AI): registered 2026-01-05, passes gate 1 on
      2026-02-02 (a decision in 2026 Q1), an incident opened 2026-02-20.
    - ImmD "Passport photo check": registered 2026-01-06, still identifying.
    - HKPF "Patrol scheduling": registered 2025-06-02, never moved: stalled by 2026 Q1.
    - FEHD "Hygiene inspection imagery": registered 2026-01-07 (outside the Security Bureau).
    """
    people = {
        "officer_immd": officer("ImmD"),
        "approver_immd": approver("ImmD"),
        "officer_hkpf": officer("HKPF"),
        "officer_fehd": officer("FEHD"),
        "management_sb": management("SB", ScopeLevel.UNIT_TREE),
        "management_eeb": management("EEB", ScopeLevel.UNIT_TREE),
        "dpo": dpo_officer(),
    }
    with time_machine.travel(at(2025, 6, 2), tick=False):
        patrol = make_project(
            by=people["officer_hkpf"],
            title_en="Patrol scheduling",
            title_zh_hant="巡邏編更",
            category="predictive_analytics",
        )
    with time_machine.travel(at(2026, 1, 5), tick=False):
        visa = make_project(by=people["officer_immd"], uses_generative_ai=True, expected_staff_hours_per_year=1200)
    with time_machine.travel(at(2026, 1, 6), tick=False):
        passport = make_project(
            by=people["officer_immd"],
            title_en="Passport photo check",
            title_zh_hant="護照相片檢查",
            category="image_analytics",
        )
        screen(passport, people["officer_immd"])
    with time_machine.travel(at(2026, 1, 7), tick=False):
        hygiene = make_project(
            by=people["officer_fehd"], title_en="Hygiene inspection imagery", title_zh_hant="衞生巡查影像"
        )
    with time_machine.travel(at(2026, 1, 8), tick=False):
        screen(visa, people["officer_immd"], generative_ai=True, genai_output_to_public=False)
        visa.refresh_from_db()
    with time_machine.travel(at(2026, 2, 2), tick=False):
        pass_gate(visa, officer_user=people["officer_immd"], approver_user=people["approver_immd"])
    with time_machine.travel(at(2026, 2, 20), tick=False):
        open_incident(
            project=visa,
            by=people["officer_immd"],
            kind="anomaly",
            severity="medium",
            title="Wrong language in draft replies",
            description="Drafts came back in Simplified Chinese.",
            occurred_at=at(2026, 2, 19),
        )
    return {"people": people, "visa": visa, "passport": passport, "patrol": patrol, "hygiene": hygiene}
