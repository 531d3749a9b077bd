"""How a report value is written as text (PDF) — the workbook keeps the values themselves."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone


def as_text(value, kind: str = "text") -> str:
    if value is None or value == "":
        return "–" if kind != "text" else ""
    if kind == "percent":
        return f"{value:.0%}"
    if kind == "change":
        return f"{value:+,}" if value else "0"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, Decimal):
        return f"{value:,.0f}" if kind == "money" or value == value.to_integral() else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
