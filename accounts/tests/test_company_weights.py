"""Staff set a company's match weights in the admin: checked there, and a change re-ranks the
company's open jobs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Company, validate_match_weights
from jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([0.5, 0.5], "must be an object"),
        ({"skills": 1.0}, "Unknown match component skills"),
        ({"semantic": -1}, "semantic weight must be a number >= 0"),
        ({"lexical": "high"}, "lexical weight must be a number >= 0"),
        ({"lexical": True}, "lexical weight must be a number >= 0"),
        ({"lexical": float("nan")}, "lexical weight must be a number >= 0"),
        ({"lexical": 0, "semantic": 0, "traditional": 0}, "must not all be zero"),
    ],
)
def test_bad_weights_are_refused_with_a_reason(weights, message) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_match_weights(weights)


def test_the_weights_in_effect_fill_in_the_platforms(settings) -> None:
    settings.MATCH_WEIGHTS = {"lexical": 0.3, "semantic": 0.4, "traditional": 0.3}
    validate_match_weights({})
    validate_match_weights({"semantic": 0})  # the other two remain
    company = Company(name="Initech", slug="initech", match_weights={"semantic": 0.8})
    assert company.match_weights_in_effect() == {
        "lexical": 0.3, "semantic": 0.8, "traditional": 0.3,
    }  # fmt: skip


def change_form(company: Company, weights: str, shown: str = "{}") -> dict[str, str]:
    # `shown`: the value the form was rendered with (a field with a callable default posts it
    # back in a hidden input, which the admin compares to tell a change).
    return {
        "name": company.name, "slug": company.slug, "website": "", "match_weights": weights,
        "initial-match_weights": shown,
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }  # fmt: skip


def test_staff_set_the_weights_in_the_admin_and_the_open_jobs_are_re_ranked(
    client, staff, acme, django_capture_on_commit_callbacks
) -> None:
    for status in (Job.Status.OPEN, Job.Status.OPEN, Job.Status.DRAFT):
        Job.objects.create(company=acme, title="Engineer", status=status)
    client.force_login(staff)
    url = f"/admin/accounts/company/{acme.pk}/change/"
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, change_form(acme, '{"semantic": 0.7}'), follow=True)
    assert response.status_code == 200
    assert b"2 open job(s) are being re-ranked" in response.content
    assert len(callbacks) == 2  # one recompute per open job
    acme.refresh_from_db()
    assert acme.match_weights == {"semantic": 0.7}
    # Saved again unchanged: nothing to re-rank.
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url, change_form(acme, '{"semantic": 0.7}', shown='{"semantic": 0.7}'))
    assert callbacks == []


def test_the_admin_refuses_bad_weights_with_the_reason(client, staff, acme) -> None:
    client.force_login(staff)
    url = f"/admin/accounts/company/{acme.pk}/change/"
    response = client.post(url, change_form(acme, '{"semantic": -2}'))
    assert response.status_code == 200  # the form again, with its error
    assert b"The semantic weight must be a number &gt;= 0" in response.content
    acme.refresh_from_db()
    assert acme.match_weights == {}


def test_only_staff_may_change_the_weights(client, recruiter, candidate, acme) -> None:
    url = f"/admin/accounts/company/{acme.pk}/change/"
    for user in (recruiter, candidate):  # the company's own recruiter, a candidate
        client.force_login(user)
        response = client.post(url, change_form(acme, '{"semantic": 0.9}'))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    acme.refresh_from_db()
    assert acme.match_weights == {}
