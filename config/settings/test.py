"""Test settings: the base settings with fast hashing and eager Celery by default."""

import os
import tempfile

from config.settings.base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "true") == "true"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="tracker-test-media-"))
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_ENABLED = os.environ.get("AXES_ENABLED", "false") == "true"
# Test only: a pause between a report's sections, so a worker test can kill a run mid-way.
TRACKER_REPORT_SECTION_PAUSE_SECONDS = float(os.environ.get("TRACKER_REPORT_SECTION_PAUSE_SECONDS", "0"))
