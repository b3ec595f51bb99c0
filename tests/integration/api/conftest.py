"""The API suite runs against PostgreSQL: `any_app` (where the shared factories write) is the PostgreSQL app here.

The OpenAPI checks use the SQLite `app`: the document does not depend on the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.conftest import _limits_as_configured, _truncate


@pytest.fixture
def any_app(postgres_app: Flask) -> Iterator[Flask]:
    _limits_as_configured(postgres_app)
    yield postgres_app
    _truncate(postgres_app)
