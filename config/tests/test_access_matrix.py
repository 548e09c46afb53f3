"""Every route has an access expectation, and every persona gets the status it expects.

The expectations live beside each app's code in `<app>/tests/access.py`; the format is
documented in `config/tests/access.py`.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import Company
from config.tests.access import (
    PERSONAS,
    Case,
    World,
    all_cases,
    all_exclusions,
    all_routes,
    covered_patterns,
    everyone,
)

CASES = all_cases()


def test_every_route_has_an_access_expectation() -> None:
    routes = all_routes()
    excluded = tuple(all_exclusions())
    covered = covered_patterns(CASES, routes)
    missing = [
        route
        for route in routes
        if route.pattern not in covered and not route.pattern.removeprefix("^").startswith(excluded)
    ]
    assert not missing, (
        "These routes have no access expectation; add a Case to <app>/tests/access.py "
        "(format in config/tests/access.py):\n"
        + "\n".join(f"  /{route.pattern}  (name: {route.name or 'none'})" for route in missing)
    )


def test_every_case_points_at_an_existing_route() -> None:
    names = {route.name for route in all_routes()}
    for case in CASES:
        if case.url.startswith("/"):
            try:
                resolve(case.url)
            except Resolver404:
                pytest.fail(f"{case.id}: no route answers this path")
        else:
            assert case.url in names, f"{case.id}: no route has this name"


def test_the_walker_sees_nested_namespaced_routes() -> None:
    names = {route.name for route in all_routes()}
    assert {"portal:team", "api:me", "admin:accounts_company_changelist"} <= names


def test_a_case_covers_its_route_by_name_or_by_literal_path() -> None:
    routes = all_routes()
    by_name = Case("portal:accept_invitation", kwargs={"token": "x"}, expect=everyone(200))
    by_path = Case("/healthz", expect=everyone(200))
    assert covered_patterns([by_name, by_path], routes) == {
        "portal/invitations/<str:token>/",
        "healthz",
    }


def test_a_case_must_name_every_persona() -> None:
    with pytest.raises(ValueError, match="missing"):
        Case("healthz", expect={"anonymous": 200})


@pytest.fixture
def world(personas: dict, acme: Company, globex: Company) -> World:
    users = {persona: user for persona, user in personas.items() if persona != "anonymous"}
    return World(**users, acme=acme, globex=globex)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "persona"),
    [
        pytest.param(case, persona, id=f"{case.id}-{persona}")
        for case in CASES
        for persona in PERSONAS
    ],
)
def test_each_persona_gets_the_expected_status(
    client: Client, world: World, case: Case, persona: str
) -> None:
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    response = case.send(client, world)
    expected = case.expect[persona]
    assert response.status_code == expected, (
        f"{persona} on {case.id}: got {response.status_code}, expected {expected}\n"
        f"{response.content[:300]!r}"
    )
