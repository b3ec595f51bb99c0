"""URL converters: integer ids bounded to what the database can hold."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# Primary keys are 32-bit on PostgreSQL: a larger id in a URL would fail inside the database
# (a 500); bounded here, it simply matches no route and is a 404.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Must run before any blueprint is registered: `<int:…>` in every route uses it."""
    app.url_map.converters["int"] = BoundedIntConverter
