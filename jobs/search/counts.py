"""Totals and facet counts of recent searches, per state of the search tables.

Counting every match is what makes a broad search slow; the page of results is cheap. So the
PostgreSQL backend keeps the counts of recent queries (as OpenSearch's shard request cache
keeps aggregations), keyed by the query and `jobs_searchstate.generation`, which every
committed change to an open job moves (migration 0003). A cached count is therefore always
the count of the state the reader sees; a change makes every older entry unreachable, and
they age out of this bounded LRU. One per process: no network round trip, nothing to expire.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class CountsCache:
    def __init__(self, *, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
