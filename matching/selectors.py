"""Reading stored matches for the portal and the API (scoped by the caller)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jobs.models import Job
from matching.models import Match
from resumes.parsing.contacts import COUNTRIES

COMPONENTS = ("lexical", "semantic", "traditional")
# The order the explanation's sentences are read in (JSONB does not keep key order).
FACTORS = (
    "skills", "keywords", "semantic", "years", "seniority", "location", "salary", "education",
    "languages",
)  # fmt: skip


def matches_for_job(
    *,
    job: Job,
    min_score: float | None = None,
    skills: list[str] | None = None,
    location: str = "",
    include_hidden: bool = True,
) -> QuerySet[Match]:
    """The job's ranked candidates, best first (a recruiter's view: scope the job first).

    Only candidates who opted in to be discoverable: the others' matches exist (they see their
    own recommendations) but a recruiter meets them only through their applications.
    """
    matches = Match.objects.filter(job=job, candidate__is_discoverable=True).select_related(
        "candidate__user"
    )
    if not include_hidden:
        matches = matches.exclude(feedback=Match.Feedback.HIDDEN)
    if min_score is not None:
        matches = matches.filter(score__gte=min_score)
    if skills:
        matches = matches.filter(candidate__skills__contains=list(skills))
    where = location_filter(location)
    if where is not None:
        matches = matches.filter(where)
    return matches.order_by("-score", "pk")


def _country(text: str) -> Q:
    """A profile's country as typed: its ISO code or English name, either way stored."""
    code = COUNTRIES.get(text.casefold(), text.upper() if len(text) == 2 else "")
    names = {name for name, c in COUNTRIES.items() if c == code} | {text.casefold()}
    where = Q(candidate__country__iexact=code) if code else Q()
    for name in names:
        where |= Q(candidate__country__iexact=name)
    return where


def location_filter(text: str) -> Q | None:
    """Candidates in a city ("Lisbon"), a country ("PT", "Portugal") or both ("Lisbon, PT"), as
    their profiles state it (case ignored); None for an empty text."""
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not parts:
        return None
    *city, place = parts
    if city:
        return Q(candidate__city__iexact=", ".join(city)) & _country(place)
    return Q(candidate__city__iexact=place) | _country(place)


def matches_for_candidate(*, user: Any, min_score: float | None = None) -> QuerySet[Match]:
    """A candidate's matches with open jobs, best first."""
    matches = Match.objects.filter(candidate__user=user, job__status=Job.Status.OPEN)
    if min_score is not None:
        matches = matches.filter(score__gte=min_score)
    return matches.select_related("job__company").order_by("-score", "pk")


def recruiter_jobs(user: Any) -> QuerySet[Job]:
    """Jobs of every company the recruiter belongs to."""
    return Job.objects.filter(company__memberships__user=user).distinct()


def candidate_label(match: Match) -> str:
    """How the portal names a matched candidate."""
    profile = match.candidate
    user = profile.user
    full = f"{user.first_name} {user.last_name}".strip()
    return profile.full_name or full or f"Candidate #{profile.pk}"


def component_rows(match: Match) -> list[dict[str, Any]]:
    """(name, value, weight, percent) per component, for the score bars."""
    return [
        {
            "name": name,
            "value": match.components.get(name, 0.0),
            "weight": match.weights.get(name),
            "percent": round(100 * float(match.components.get(name, 0.0))),
        }
        for name in COMPONENTS
    ]


def factor_sentences(match: Match) -> list[tuple[str, str]]:
    """(factor, sentence) in reading order; factors unknown to this list come last."""
    factors = match.explanation.get("factors", {})
    order = [name for name in FACTORS if name in factors]
    return [(name, factors[name]) for name in order + sorted(set(factors) - set(order))]
