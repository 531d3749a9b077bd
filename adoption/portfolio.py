"""A version number of the portfolio, bumped after every committed change to a project.

Cached portfolio figures include it in their key, so a change makes them stale at once.
"""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "portfolio-version"


def portfolio_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 1, timeout=None)


def portfolio_changed() -> None:
    """Call inside the transaction that changes a project; bumps once it commits."""
    transaction.on_commit(_bump)
