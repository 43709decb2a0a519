"""Counting wrong passwords, per account and per client address, in a sliding window.

Kept in this process's memory, not in the database, on purpose: `hipcoach serve` runs the whole web
app as one uvicorn process (extra `hipcoach worker` processes analyse videos and never see a login),
so one process sees every sign-in. Memory costs no write per wrong password (a database table would put
every guess in the writers' queue that set logging waits in), and a restart that forgets the counts
only gives an attacker one fresh window. Run several web processes behind one address and each counts
on its own: the limits then multiply by the number of processes.

A key is refused once it has `limit` failures in the last `window_s` seconds, and only until the
oldest of them leaves the window: refused attempts are not counted, so a lock never outlasts the
window after the last counted failure. Memory is bounded too: at most `max_keys` keys are kept, the
ones whose failures are oldest dropped first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field


@dataclass
class Rule:
    limit: int  # failures allowed in the window
    window_s: float


ACCOUNT_RULE = Rule(limit=5, window_s=300.0)
ADDRESS_RULE = Rule(limit=20, window_s=300.0)  # several people may share one address (home, office)


@dataclass
class LoginThrottle:
    account: Rule = field(default_factory=lambda: ACCOUNT_RULE)
    address: Rule = field(default_factory=lambda: ADDRESS_RULE)
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 50_000
    _failures: OrderedDict[Hashable, deque[float]] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _rule(self, key: tuple) -> Rule:
        return self.address if key[0] == "address" else self.account

    def _recent(self, key: tuple, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        window = self._rule(key).window_s
        while times and times[0] <= now - window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def wait_s(self, keys: Iterable[tuple]) -> int:
        """Seconds until every key may try again (0: now). Keys are ("address", ...) or anything else
        (an account, a device), each tuple naming one bucket."""
        with self._lock:
            now, wait = self.clock(), 0.0
            for key in keys:
                times, rule = self._recent(key, now), self._rule(key)
                if len(times) >= rule.limit:
                    wait = max(wait, times[-rule.limit] + rule.window_s - now)
            return math.ceil(wait) if wait > 0 else 0

    def failed(self, keys: Iterable[tuple]) -> None:
        with self._lock:
            now = self.clock()
            for key in keys:
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times
                self._failures.move_to_end(key)
                while len(self._failures) > self.max_keys:
                    self._failures.popitem(last=False)

    def forget(self, key: tuple) -> None:
        with self._lock:
            self._failures.pop(key, None)


def minutes_text(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def too_many_message(seconds: int) -> str:
    return f"Too many attempts; try again in {minutes_text(seconds)}."


_made = threading.Lock()


def throttle_of(app) -> LoginThrottle:
    """The app's throttle, made on first use (tests put one with their own clock there first)."""
    with _made:
        throttle = getattr(app.state, "login_throttle", None)
        if throttle is None:
            throttle = app.state.login_throttle = LoginThrottle()
        return throttle
