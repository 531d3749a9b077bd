"""The people of one B/D (ImmD) and its project, plus people outside it, for every lifecycle test."""

import os

import pytest
from django.core.management import call_command

from adoption.choices import ScopeLevel
from tests.factories import approver, dpo_officer, make_project, management, officer


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test stores evidence files in a directory of its own, so it sees exactly the files it made."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def po():
    """A project officer of ImmD."""
    return officer("ImmD")


@pytest.fixture
def po2():
    """Another project officer of ImmD."""
    return officer("ImmD")


@pytest.fixture
def ap():
    """A gate approver of ImmD, the responsible officer of its project."""
    return approver("ImmD")


@pytest.fixture
def ap2():
    """A second gate approver of ImmD."""
    return approver("ImmD")


@pytest.fixture
def outsider():
    """A gate approver of another B/D (FEHD)."""
    return approver("FEHD")


@pytest.fixture
def boss():
    """Management of the Security Bureau, which ImmD belongs to."""
    return management("SB", ScopeLevel.UNIT_TREE)


@pytest.fixture
def dpo():
    return dpo_officer()


@pytest.fixture
def project(po, ap):
    return make_project(by=po, project_officers=[po], responsible_officer=ap)


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test's database is flushed after it: put the reference data back first."""
    call_command("seed_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
