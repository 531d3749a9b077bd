"""Bilingual reference data: English and Traditional Chinese side by side."""

from django.utils.translation import get_language


def wants_chinese() -> bool:
    return (get_language() or "en").lower().startswith("zh")


def localized(english: str, chinese: str) -> str:
    """The text in the active language, falling back to the other one when empty."""
    if wants_chinese():
        return chinese or english
    return english or chinese


class BilingualNameMixin:
    """For models with ``name_en`` and ``name_zh_hant``."""

    @property
    def name(self) -> str:
        return localized(self.name_en, self.name_zh_hant)
