"""URL converters and query-string numbers, bounded to what the database can hold."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
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


# Pages past this are empty on every list (a million pages of 20); bounding keeps OFFSET in 64 bits.
MAX_PAGE = 1_000_000


def bounded_int(value: str | None, *, default: int | None = None, low: int = 0, high: int = MAX_ID) -> int | None:
    """An integer typed into a URL, query string or form, or ``default`` when missing, not a number or outside low..high."""
    text = (value or "").strip()
    if not text or len(text) > 20 or not text.isdigit():
        return default
    number = int(text)
    return number if low <= number <= high else default


def query_int(name: str, default: int | None = None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """``request.args[name]`` as a bounded integer (an id, a version number), else ``default``."""
    return bounded_int(request.args.get(name), default=default, low=low, high=high)


def query_page(name: str = "page") -> int:
    """The page number of a list: 1 when missing or not a number, at most MAX_PAGE."""
    text = (request.args.get(name) or "").strip()
    if not text.isdigit() or len(text) > 20:
        return 1
    return min(max(int(text), 1), MAX_PAGE)
