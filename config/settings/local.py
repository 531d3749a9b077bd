"""The embedded default: ``manage.py`` and ``make run`` use this."""

from config.settings.base import *
