"""The Traditional Chinese catalogue is complete: every string in the code is there, translated, not fuzzy."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale/zh_Hant/LC_MESSAGES/django.po")
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "var", "node_modules", "tests", "benchmarks", "docs", "__pycache__", "*.sqlite3", "*.mo"
)


@pytest.fixture(scope="module")
def msgfmt():
    path = shutil.which("msgfmt")
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("gettext's msgfmt is required in CI; `make test` installs it.")
        pytest.skip("needs gettext's msgfmt (apt-get install gettext)")
    return path


def statistics(msgfmt: str, catalogue: Path) -> str:
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", os.devnull, str(catalogue)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


def test_committed_catalogue_is_fully_translated(msgfmt):
    stats = statistics(msgfmt, ROOT / CATALOGUE)
    assert "untranslated" not in stats, stats
    assert "fuzzy" not in stats, stats


def test_every_string_in_the_code_is_in_the_catalogue(msgfmt, tmp_path):
    """Re-extract the strings from a copy of the code: nothing new may appear untranslated."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hant", "--no-obsolete", "--no-location"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    stats = statistics(msgfmt, copy / CATALOGUE)
    assert "untranslated" not in stats, f"{stats}: run `make makemessages` and translate the new strings"
    assert "fuzzy" not in stats, f"{stats}: review the fuzzy entries `make makemessages` produced"
