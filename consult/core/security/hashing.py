"""Hashing of passwords and one-time codes, with the method from the configuration.

Production uses werkzeug's default (scrypt). The test suite sets a cheap PBKDF2 so that hundreds of
registrations and hostile logins do not spend minutes in the hash; the check is the same code.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

DEFAULT_METHOD = "scrypt"


def _method() -> str:
    return str(current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_METHOD)


def hash_secret(value: str) -> str:
    return generate_password_hash(value, method=_method())


def check_secret(stored: str, value: str) -> bool:
    return check_password_hash(stored, value)


@lru_cache(maxsize=4)
def _dummy(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def dummy_hash() -> str:
    """A hash of nothing, in the configured method: checking it costs what a real account costs."""
    return _dummy(_method())
