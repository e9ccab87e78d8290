"""One classification per (table, rule set, as-of date), shared by ``TIER``, ``TIER_ID`` and ``TIER_REASON``.

Excel recalculates the three functions over the same range one after the other (Office.js: as separate
HTTP requests, often at the same time).  Each used to read and classify the whole table again.  Now the
first call classifies and the others take its result:

* the key is a hash of the cells as sent (types included: ``1``, ``1.0``, ``True`` and ``"1"`` differ),
  a hash of the rule set (every field, so a changed rules range or parameter is a new key) and the date
  (a rule set reading the as-of date, e.g. recency, classifies differently tomorrow);
* the cache is a bounded LRU (entries and cells), guarded by a lock;
* concurrent requests for the same key wait for the one computation under way instead of starting
  their own; an error is not cached (the next call tries again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

V = TypeVar("V")


@dataclass
class CacheStats:
    hits: int = 0      # answered from the cache (or from a computation another request had started)
    misses: int = 0    # computed


class SharedLRU(Generic[V]):
    """A thread-safe LRU of at most ``max_entries`` values weighing ``max_weight`` in all, where concurrent
    ``get`` calls for one key run ``compute`` once."""

    def __init__(self, max_entries: int = 16, max_weight: int = 4_000_000) -> None:
        self.max_entries, self.max_weight = max_entries, max_weight
        self._data: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._running: dict[Hashable, Future[V]] = {}
        self._lock = threading.Lock()
        self._weight = 0
        self.stats = CacheStats()

    def get(self, key: Hashable, compute: Callable[[], V], weight: int = 1) -> V:
        """The value of ``key``, computed by ``compute`` unless cached or under way in another thread."""
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
                self.stats.hits += 1
                return hit[0]
            running = self._running.get(key)
            if running is None:
                mine: Future[V] = Future()
                self._running[key] = mine
                self.stats.misses += 1
            else:
                self.stats.hits += 1
        if running is not None:
            return running.result()
        try:
            value = compute()
        except BaseException as err:
            with self._lock:
                del self._running[key]
            mine.set_exception(err)
            raise
        with self._lock:
            del self._running[key]
            if weight <= self.max_weight:
                self._data[key] = (value, weight)
                self._weight += weight
                while len(self._data) > self.max_entries or self._weight > self.max_weight:
                    _, (_, w) = self._data.popitem(last=False)
                    self._weight -= w
        mine.set_result(value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._weight = 0
            self.stats = CacheStats()

    def __len__(self) -> int:
        return len(self._data)


def cells_key(cells: Any) -> bytes | None:
    """A hash of cells as sent (None when they cannot be pickled: then nothing is cached)."""
    try:
        data = pickle.dumps(cells, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return None
    return hashlib.blake2b(data, digest_size=20).digest()


_RULES_KEYS: dict[int, tuple[Any, bytes]] = {}
_RULES_LOCK = threading.Lock()


def rules_key(rs: Any) -> bytes:
    """A hash of every field of a rule set (its ``repr``: segments, fields, params, features, source).
    Built-in and file rule sets are the same object until their file changes, so the hash is kept per
    object (the object itself is kept with it, so an id is never reused while it is in here)."""
    with _RULES_LOCK:
        hit = _RULES_KEYS.get(id(rs))
        if hit is not None and hit[0] is rs:
            return hit[1]
    key = hashlib.blake2b(repr(rs).encode("utf-8", "surrogatepass"), digest_size=20).digest()
    with _RULES_LOCK:
        if len(_RULES_KEYS) >= 64:
            _RULES_KEYS.clear()
        _RULES_KEYS[id(rs)] = (rs, key)
    return key


def today() -> dt.date:
    """The date a classification without an as-of date is made for (a key part; patched in tests)."""
    return dt.date.today()
