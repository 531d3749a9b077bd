"""Strict readers for settings taken from the environment.

Every reader raises ``ImproperlyConfigured`` naming the variable when its value is
malformed, so a typo stops start-up instead of silently falling back to a default.
"""

import os
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}
REDIS_SCHEMES = {"redis", "rediss"}


def _fail(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name}={value!r} is invalid: expected {expected}.")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    if name not in os.environ:
        return default
    value = os.environ[name].strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise _fail(name, os.environ[name], "one of true/false, yes/no, on/off, 1/0")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    if name not in os.environ:
        return default
    raw = os.environ[name]
    try:
        value = int(raw)
    except ValueError:
        raise _fail(name, raw, "a whole number") from None
    if value < minimum:
        raise _fail(name, raw, f"a whole number of at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    if name not in os.environ:
        return default
    return [item.strip() for item in os.environ[name].split(",") if item.strip()]


def env_database(name: str, default_sqlite_path: str) -> dict:
    """A ``DATABASES['default']`` dict from a URL; SQLite file by default."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    scheme = urlsplit(raw).scheme
    if scheme not in DATABASE_SCHEMES:
        raise _fail(name, raw, "a URL such as postgres://user@host:5432/dbname or sqlite:////path/to/file.db")
    config = environ.Env.db_url_config(raw)
    if not config.get("NAME"):
        raise _fail(name, raw, "a URL that names the database, e.g. postgres://user@host:5432/dbname")
    if scheme != "sqlite" and not config.get("HOST"):
        raise _fail(name, raw, "a URL that names the host, e.g. postgres://user@127.0.0.1:5432/dbname")
    return config


def env_redis_url(name: str) -> str:
    """A Redis URL, or the empty string when the variable is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in REDIS_SCHEMES or not parts.hostname:
        raise _fail(name, raw, "a URL such as redis://127.0.0.1:6379/0")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise _fail(name, raw, "a URL with a numeric port, e.g. redis://127.0.0.1:6379/0") from None
    return raw
