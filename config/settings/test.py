"""Test settings: the base settings with fast hashing and eager Celery by default."""

import os
import tempfile

from config.settings.base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "true") == "true"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker started by a test (tests/reports/test_worker.py) is given the test's folder.
MEDIA_ROOT = Path(os.environ.get("TRACKER_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="tracker-test-media-"))
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_ENABLED = os.environ.get("AXES_ENABLED", "false") == "true"
# Test only: a pause between a report's sections, so a worker test can kill a run mid-way.
TRACKER_REPORT_SECTION_PAUSE_SECONDS = float(os.environ.get("TRACKER_REPORT_SECTION_PAUSE_SECONDS", "0"))
# Worker tests: a killed worker's unacknowledged task is handed on within seconds of its
# visibility timeout (CELERY_VISIBILITY_TIMEOUT), not after kombu's default 100-second sweep.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# Worker tests give their worker and themselves a key prefix of their own, so that nothing else
# on the same Redis database (another test's worker) sees or restores their messages.
if os.environ.get("CELERY_REDIS_KEY_PREFIX"):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = os.environ["CELERY_REDIS_KEY_PREFIX"]
