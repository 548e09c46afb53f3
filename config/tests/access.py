"""Access expectations: which status each persona gets on each route.

`config/tests/test_access_matrix.py` walks every URL pattern of the project and fails when a
route has no expectation, then runs every expectation once per persona. Each app declares the
expectations for its own routes in a module ``<app>/tests/access.py`` exposing ``CASES``, a list
of `Case`; the matrix finds these modules by itself (every installed app, plus ``config``).

A case names its route by URL name (``"namespace:name"``, reversed with ``kwargs``) or by a
literal path starting with ``/``. ``kwargs`` (and ``data``) may be a callable that receives the
`World`: the personas and their companies, saved in the test database, so a case can create the
object its URL needs. The convention: objects belong to Acme (alice ``recruiter`` and bob
``teammate``) or to carol (``candidate``); ``other_recruiter`` (Globex) and ``other_candidate``
are the outsiders who must not see them. ``expect`` maps every persona to the status it gets;
`expect` fills the personas not named with a default::

    # jobs/tests/access.py
    from config.tests.access import Case, World, expect
    from jobs.tests.factories import JobFactory


    def acme_job(world: World) -> dict[str, int]:
        return {"pk": JobFactory(company=world.acme).pk}


    CASES = [
        Case(
            "jobs:detail",  # portal page of one of Acme's jobs
            kwargs=acme_job,
            expect=expect(403, anonymous=302, recruiter=200, teammate=200, other_recruiter=404),
        ),
        Case(
            "api:job-list",
            method="POST",
            data={"title": "Welder"},
            content_type="application/json",
            expect=expect(403, anonymous=401, recruiter=201, teammate=201, other_recruiter=201),
        ),
    ]

Statuses are checked without following redirects (302 to the login page for anonymous portal
visitors, 401 for anonymous API calls). Signed-in personas are logged in with a session, which
both the portal and the API accept. Each (case, persona) runs in its own transaction, so a case
may change or delete its object freely. ``label`` tells apart two cases on one route.

A module may also expose ``EXCLUDED = {"prefix/": "reason"}`` for routes it does not own
(third-party views); routes starting with such a prefix need no case.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.models import Company, User

PERSONAS: tuple[str, ...] = (
    "anonymous",
    "candidate",
    "other_candidate",
    "recruiter",
    "teammate",
    "other_recruiter",
    "staff",
)


@dataclass(frozen=True)
class World:
    """What a case may use to build its URL and data: the saved personas and their companies."""

    candidate: User
    other_candidate: User
    recruiter: User  # alice, owner at Acme
    teammate: User  # bob, recruiter at Acme
    other_recruiter: User  # charlie, owner at Globex
    staff: User
    acme: Company
    globex: Company

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else getattr(self, persona)


Factory = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    url: str  # a URL name ("portal:team") or a literal path ("/healthz")
    expect: dict[str, int]
    method: str = "GET"
    kwargs: dict[str, Any] | Factory = field(default_factory=dict)
    data: dict[str, Any] | Factory | None = None
    content_type: str | None = None  # None: a form for POST, JSON for PUT/PATCH/DELETE
    label: str = ""

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.expect)
        unknown = set(self.expect) - set(PERSONAS)
        if missing or unknown:
            raise ValueError(
                f"{self.id}: expect must name every persona "
                f"(missing {sorted(missing)}, unknown {sorted(unknown)})"
            )

    @property
    def id(self) -> str:
        return f"{self.method} {self.url}" + (f" [{self.label}]" if self.label else "")

    def build_path(self, world: World) -> str:
        if self.url.startswith("/"):
            return self.url
        kwargs = self.kwargs(world) if callable(self.kwargs) else self.kwargs
        return reverse(self.url, kwargs=kwargs)

    def send(self, client: Client, world: World) -> HttpResponse:
        """Make the request (without following redirects) and return the response."""
        path = self.build_path(world)
        data = (self.data(world) if callable(self.data) else self.data) or {}
        send = getattr(client, self.method.lower())
        if self.method in ("GET", "HEAD", "OPTIONS"):
            return send(path, data)
        # POST sends a form unless told otherwise; PUT, PATCH and DELETE send JSON.
        content_type = self.content_type or (None if self.method == "POST" else "application/json")
        if content_type is None:
            return send(path, data)
        return send(path, data, content_type=content_type)


def expect(default: int | None = None, **statuses: int) -> dict[str, int]:
    """Every persona's status: the ones named, and `default` for the others."""
    if default is None:
        return statuses
    return {persona: statuses.get(persona, default) for persona in PERSONAS} | statuses


def everyone(status: int) -> dict[str, int]:
    return expect(status)


# Routes of third-party packages, tested by their authors; ours need a case.
EXCLUDED: dict[str, str] = {
    "admin/": "Django admin (staff only; changelists are checked in accounts/tests/access.py)",
    "accounts/": "allauth's account pages (login/logout/signup are checked in accounts)",
    "_allauth/": "allauth headless API for the mobile apps (tested by the Cognito tests)",
    "static/": "static files",
    "media/": "uploaded files in debug mode",
    "__debug__/": "debug toolbar when installed locally",
}


@dataclass(frozen=True)
class Route:
    pattern: str  # the full pattern, as `resolve(path).route` spells it
    name: str | None  # "namespace:name", or None for an unnamed pattern


def _join(prefix: str, pattern: str) -> str:
    # Same rule as Django's URLResolver._join_route: a nested regex loses its leading "^".
    return pattern if not prefix else prefix + pattern.removeprefix("^")


def _walk(patterns: list[Any], prefix: str, namespaces: tuple[str, ...]) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, _join(prefix, str(entry.pattern)), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield Route(pattern=_join(prefix, str(entry.pattern)), name=name)


def all_routes() -> list[Route]:
    """Every URL pattern of the project, nested includes flattened."""
    return list(_walk(get_resolver().url_patterns, "", ()))


def _access_modules() -> Iterator[Any]:
    # Only the project's own apps: third-party packages may ship a `tests` package of their own.
    own = [c.name for c in apps.get_app_configs() if Path(c.path).parent == settings.BASE_DIR]
    packages = ["config", *own]
    for package in packages:
        try:
            yield importlib.import_module(f"{package}.tests.access")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{package}.tests", f"{package}.tests.access"):
                raise  # the module exists but imports something missing: say so


def all_cases() -> list[Case]:
    return [case for module in _access_modules() for case in getattr(module, "CASES", [])]


def all_exclusions() -> dict[str, str]:
    excluded: dict[str, str] = {}
    for module in _access_modules():
        excluded |= getattr(module, "EXCLUDED", {})
    return excluded


def covered_patterns(cases: list[Case], routes: list[Route]) -> set[str]:
    """The patterns the cases exercise: by URL name, or by resolving a literal path."""
    by_name: dict[str, set[str]] = {}
    for route in routes:
        if route.name:
            by_name.setdefault(route.name, set()).add(route.pattern)
    covered: set[str] = set()
    for case in cases:
        if case.url.startswith("/"):
            covered.add(resolve(case.url).route)
        else:
            covered |= by_name.get(case.url, set())
    return covered


# config/urls.py: probes, the home redirect and the API schema with its two viewers.
CASES = [
    Case("/", expect=everyone(302), label="home redirects to the portal"),
    Case("healthz", expect=everyone(200)),
    Case("readyz", expect=everyone(200)),
    Case("schema", expect=everyone(200)),
    Case("swagger-ui", expect=everyone(200)),
    Case("redoc", expect=everyone(200)),
]
# config/observability: Prometheus metrics for staff and the scraper's token (bearer cases in
# config/tests/test_metrics.py).
CASES += [
    Case("metrics", expect=expect(403, anonymous=401, staff=200)),
]
