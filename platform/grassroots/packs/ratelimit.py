"""A sliding-window rate limit per client address, for the public evaluation endpoints.

In-process: each gunicorn worker counts on its own, so the effective limit is up to workers × N per
minute. That is acceptable for a public, read-only calculator (it protects CPU, not money); a shared
limit would move these counters to the database or Redis, as the login throttle does for failures.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from functools import wraps
from threading import Lock

from flask import current_app, request

from grassroots.errors import UserError

WINDOW = 60.0
MAX_KEYS = 10_000  # bound memory under a spray of addresses: the oldest idle keys are dropped


class SlidingWindow:
    def __init__(self, limit: int, window: float = WINDOW, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = Lock()

    def allow(self, key: str) -> tuple[bool, int]:
        """(allowed, seconds until the oldest hit leaves the window)."""
        now = self.clock()
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            allowed = len(hits) < self.limit
            if allowed:
                hits.append(now)
            self._hits[key] = hits  # re-inserted last: dict order is least-recently-used first
            if len(self._hits) > MAX_KEYS:
                del self._hits[next(iter(self._hits))]
            retry = int(self.window - (now - hits[0])) + 1 if hits else 0
        return allowed, retry


def _limiter() -> SlidingWindow | None:
    limit = int(current_app.config.get("EVALUATE_RATE_PER_MINUTE", 0) or 0)
    if limit <= 0:
        return None
    limiter = current_app.extensions.get("grassroots_evaluate_limit")
    if limiter is None or limiter.limit != limit:
        limiter = current_app.extensions["grassroots_evaluate_limit"] = SlidingWindow(limit)
    return limiter


def check_evaluate_rate() -> None:
    """429 (bilingual, with Retry-After) once this address has made N evaluations in the last minute."""
    limiter = _limiter()
    if limiter is None:
        return
    allowed, retry = limiter.allow(request.remote_addr or "unknown")
    if not allowed:
        raise RateLimited(retry)


def rate_limited(view: Callable) -> Callable:
    """Count the call before anything else runs (a malformed body costs its sender a call too)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        check_evaluate_rate()
        return view(*args, **kwargs)

    return wrapper


class RateLimited(UserError):
    def __init__(self, retry_after: int):
        super().__init__(429, "rate_limited", {"zh": f"评估请求过于频繁，请 {retry_after} 秒后再试",
                                               "en": f"Too many evaluations; try again in {retry_after} seconds"})
        self.retry_after = retry_after
