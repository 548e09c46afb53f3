"""Races: two applies at once make one application; two moves at once serialise, so the
history stays a chain (each change starts where the previous one ended)."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.db import connection

from applications import services
from applications.models import Application, StageChange
from applications.tests.factories import stage

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        from django.db import connections

        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_simultaneous_applies_make_one_application(job, candidate):
    services.ensure_company_pipeline(company=job.company)
    results = run_together(
        lambda: services.apply_to_job(candidate=candidate, job=job),
        lambda: services.apply_to_job(candidate=candidate, job=job),
    )
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["Application", "DuplicateApplication"]
    assert Application.objects.count() == 1
    assert StageChange.objects.count() == 1


def test_two_simultaneous_moves_keep_the_history_a_chain(application, recruiter, teammate, job):
    results = run_together(
        lambda: services.move_application(
            application=application, to_stage=stage(job, "screening"), by=recruiter
        ),
        lambda: services.move_application(
            application=application, to_stage=stage(job, "interview"), by=teammate
        ),
    )
    assert all(isinstance(r, StageChange) for r in results), results
    chain = list(
        StageChange.objects.order_by("pk").values_list("from_stage__slug", "to_stage__slug")
    )
    assert chain[0] == (None, "applied")
    for (_, previous_to), (next_from, _) in itertools.pairwise(chain):
        assert next_from == previous_to
    application.refresh_from_db()
    assert application.stage.slug == chain[-1][1]
    connection.close()
