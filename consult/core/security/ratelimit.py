"""A public write's rate limits (per IP, account, login, phone) counted in one Redis round trip.

Flask-Limiter evaluates a view's limits one at a time: an INCR script per limit, then a GET and a
TTL for the X-RateLimit headers, four round trips for a comment's two limits on every POST. Here
one Lua script counts all of a request's windows and returns what the headers need. The
semantics are Flask-Limiter's fixed-window strategy, with its keys (so counts carry over, and
`limiter.reset()` clears them): a window starts at its first hit and lasts the limit's period;
limits are tried shortest period first and the first breach stops the count (later limits are not
charged for a refused request); a breach raises the RateLimitExceeded that the 429 page handles;
the headers describe the breached limit, else the first one.

Other stores or strategies (memory:// in tests and the embedded mode, a moving window) go one
limit at a time through Flask-Limiter's own strategy object, as before. A Redis that fails falls
back to an in-memory count for a few seconds (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED), like
Flask-Limiter's own fallback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from flask import after_this_request, current_app, request
from flask_limiter import RateLimitExceeded
from flask_limiter._limits import RuntimeLimit  # noqa: PLC2701 - the type RateLimitExceeded carries
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter
from werkzeug.wrappers import Response

from consult.extensions import limiter

log = logging.getLogger(__name__)

# KEYS: one per window; ARGV: (amount, seconds) per window. Returns (count, seconds left) per
# window counted, up to and including the first that is over its amount.
_SCRIPT = """
local out = {}
for i, key in ipairs(KEYS) do
  local amount = tonumber(ARGV[2 * i - 1])
  local expiry = tonumber(ARGV[2 * i])
  local count = redis.call('INCR', key)
  local ttl = redis.call('TTL', key)
  if ttl < 0 then
    redis.call('EXPIRE', key, expiry)
    ttl = expiry
  end
  out[#out + 1] = count
  out[#out + 1] = ttl
  if count > amount then break end
end
return out
"""
_DOWN_SECONDS = 5.0
_state: dict[str, Any] = {"down_until": 0.0, "fallback": None, "scripts": {}}

# One limit of a view: (limit or a callable giving it, key function).
Rule = tuple[str | Callable[[], str], Callable[[], str]]
# One window as counted: (item, key, count, reset epoch seconds).
Counted = tuple[RateLimitItem, str, int, float]


@lru_cache(maxsize=64)
def _items(value: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(value))


def check(rules: Sequence[Rule]) -> None:
    """Charge this request to each rule's window; 429 (RateLimitExceeded) at the first one over."""
    if not limiter.enabled:
        return
    scope = request.endpoint or ""
    windows: list[tuple[RateLimitItem, str]] = []
    for limit, key_func in rules:
        key = key_func()
        if key:
            windows.extend((item, key) for item in _items(limit() if callable(limit) else limit))
    if not windows:
        return
    windows.sort(key=lambda window: window[0].GRANULARITY.seconds)  # stable: Flask-Limiter's order
    counted = _count(windows, scope)
    if not counted:
        return  # the store failed and errors are swallowed: not limited, as Flask-Limiter does
    item, key, count, reset = counted[-1] if counted[-1][2] > counted[-1][0].amount else counted[0]
    _headers(item, max(0, item.amount - count), reset)
    if count > item.amount:
        log.info("ratelimit %s (%s) exceeded at endpoint: %s", item, key, scope)
        raise RateLimitExceeded(RuntimeLimit(item, lambda: key, scope))


def _count(windows: list[tuple[RateLimitItem, str]], scope: str) -> list[Counted]:
    config = current_app.config
    storage = limiter.storage
    one_trip = isinstance(storage, RedisStorage) and config.get("RATELIMIT_STRATEGY", "fixed-window") == "fixed-window"
    if one_trip and time.monotonic() >= _state["down_until"]:
        try:
            return _count_in_redis(storage, windows, scope)
        except Exception as error:  # noqa: BLE001 - any store failure: the fallback below, never a 500
            _state["down_until"] = time.monotonic() + _DOWN_SECONDS
            log.warning("rate limit store unreachable (%s)", type(error).__name__)
    elif not one_trip:
        try:
            return _count_each(limiter.limiter, windows, scope)
        except Exception:
            if not config.get("RATELIMIT_SWALLOW_ERRORS"):
                raise
            log.exception("Failed to rate limit. Swallowing error")
            return []
    if config.get("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"):
        if _state["fallback"] is None:
            _state["fallback"] = FixedWindowRateLimiter(MemoryStorage())
        return _count_each(_state["fallback"], windows, scope)
    if not config.get("RATELIMIT_SWALLOW_ERRORS"):
        raise RuntimeError("rate limit store unreachable")
    return []


def _count_in_redis(storage: RedisStorage, windows: list[tuple[RateLimitItem, str]], scope: str) -> list[Counted]:
    client = storage.get_connection()
    script = _state["scripts"].get(id(client))
    if script is None:  # registered once per client: later calls send EVALSHA only
        script = _state["scripts"][id(client)] = client.register_script(_SCRIPT)
    keys = [storage.prefixed_key(item.key_for(key, scope)) for item, key in windows]
    args: list[int] = []
    for item, _key in windows:
        args += [item.amount, item.get_expiry()]
    values = [int(v) for v in script(keys=keys, args=args)]
    now = time.time()
    return [(item, key, values[2 * i], now + values[2 * i + 1]) for i, (item, key) in enumerate(windows[: len(values) // 2])]


def _count_each(strategy: RateLimiter, windows: list[tuple[RateLimitItem, str]], scope: str) -> list[Counted]:
    counted: list[Counted] = []
    for item, key in windows:
        allowed = strategy.hit(item, key, scope)
        stats = strategy.get_window_stats(item, key, scope)
        counted.append((item, key, item.amount - stats.remaining if allowed else item.amount + 1, stats.reset_time))
        if not allowed:
            break
    return counted


def _headers(item: RateLimitItem, remaining: int, reset: float) -> None:
    if not current_app.config.get("RATELIMIT_HEADERS_ENABLED"):
        return

    @after_this_request
    def _add(response: Response) -> Response:
        reset_at = int(reset)
        response.headers.add("X-RateLimit-Limit", str(item.amount))
        response.headers.add("X-RateLimit-Remaining", str(remaining))
        response.headers.add("X-RateLimit-Reset", str(reset_at))
        existing = response.headers.get("Retry-After")  # the 429 page's own (seconds)
        if existing is not None and existing.isdigit():
            reset_at = max(int(time.time() + int(existing)), reset_at)
        response.headers.set("Retry-After", str(int(reset_at - time.time())))
        return response
