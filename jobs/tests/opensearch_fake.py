"""A stand-in for an OpenSearch cluster at the network edge.

opensearch-py sends every request through a `Connection`; `ScriptedConnection` replaces the
HTTP one. Each expected exchange names the method and path, the shape the request body must
have (dicts must have exactly the expected keys; `ANY` matches any value), and a recorded
response to answer with. Unexpected or missing requests fail the test.

The recorded responses in `jobs/tests/opensearch/` follow the OpenSearch 2.x response format;
job ids are written as `"{name}"` placeholders filled in from the test's catalogue.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opensearchpy import Connection

RECORDINGS = Path(__file__).parent / "opensearch"


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()


def assert_shape(actual: Any, expected: Any, path: str = "$") -> None:
    if expected is ANY:
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        assert set(actual) == set(expected), (
            f"{path}: keys {sorted(actual)} != expected {sorted(expected)}"
        )
        for key, value in expected.items():
            assert_shape(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{path}: {len(actual)} items != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_shape(a, e, f"{path}[{i}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def load_recording(name: str, ids: dict[str, int] | None = None) -> Any:
    text = (RECORDINGS / name).read_text()
    for key, value in (ids or {}).items():
        text = text.replace("{" + key + "}", str(value))
    return json.loads(text)


@dataclass
class Exchange:
    method: str
    path: str  # a regular expression matched against the whole path
    shape: Any = None  # None: body not checked
    status: int = 200
    response: Any = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, Any]
    body: Any


class FakeOpenSearch:
    def __init__(self) -> None:
        self.expected: deque[Exchange] = deque()
        self.requests: list[Request] = []

    def expect(
        self, method: str, path: str, *, shape: Any = None, status: int = 200, response: Any = None
    ) -> None:
        self.expected.append(Exchange(method, path, shape, status, response or {}))

    def handle(self, method: str, url: str, params: Any, body: Any) -> tuple[int, str]:
        text = body.decode() if isinstance(body, bytes) else body
        if text and url.endswith("/_bulk"):
            parsed: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            parsed = json.loads(text) if text else None
        request = Request(method, url, dict(params or {}), parsed)
        self.requests.append(request)
        assert self.expected, f"Unexpected request {method} {url}: {parsed}"
        exchange = self.expected.popleft()
        assert method == exchange.method and re.fullmatch(exchange.path, url), (
            f"Expected {exchange.method} {exchange.path}, got {method} {url}"
        )
        if exchange.shape is not None:
            assert_shape(parsed, exchange.shape)
        return exchange.status, json.dumps(exchange.response)

    def assert_done(self) -> None:
        assert not self.expected, f"Requests never made: {list(self.expected)}"


class ScriptedConnection(Connection):
    server: FakeOpenSearch  # set on a subclass by the fixture

    def perform_request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: Any = None,
        body: Any = None,
        timeout: Any = None,
        ignore: Any = (),
        headers: Any = None,
    ) -> tuple[int, dict[str, str], str]:
        status, raw = self.server.handle(method, url, params, body)
        if not 200 <= status < 300 and status not in (ignore or ()):
            self._raise_error(status, raw, "application/json")
        return status, {"content-type": "application/json"}, raw
