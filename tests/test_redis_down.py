"""With Redis unreachable, the cache degrades to no cache: pages render and changes save."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from adoption.portfolio import portfolio_changed, portfolio_version
from adoption.services import update_project
from tests.factories import dpo_officer, make_project, officer

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_REDIS = {
    "default": {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def dead_cache():
    with override_settings(CACHES=DEAD_REDIS):  # Django resets its cache handlers on this change
        yield caches["default"]


def test_cache_calls_fall_back(dead_cache):
    assert dead_cache.get("missing", "fallback") == "fallback"
    assert dead_cache.set("key", 1) is None
    assert dead_cache.add("key", 1) is False
    assert dead_cache.incr("key") is None
    assert portfolio_version() == 1
    portfolio_changed()


def test_pages_and_changes_work_without_redis(client, dead_cache):
    author = officer()
    project = make_project(by=author)
    update_project(project=project, by=author, changes={"next_milestone": "Pilot"})
    project.refresh_from_db()
    assert project.next_milestone == "Pilot"
    client.force_login(author)
    assert client.get(project.get_absolute_url()).status_code == 200
    client.force_login(dpo_officer())
    assert client.get(reverse("reports:dashboard")).status_code == 200
