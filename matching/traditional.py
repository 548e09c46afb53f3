"""The traditional component of the hybrid score: years, seniority, location, salary, education
and languages, each a pure function of the facts returning a fit in [0, 1] or `None` when one
side does not say (`matching.ranking` computes the same factors as arrays over a pool).
"""

from __future__ import annotations

from matching.facts import SENIORITY_LEVELS, CandidateFacts, JobFacts
from matching.timezones import timezone_fit


def _clip(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


# An unknown traditional factor counts as this: below a confirmed fit, above a mismatch, so a
# posting that states nothing never outranks one that states a fitting range.
UNKNOWN_FACTOR = 0.75


def factor_mean(values: list[float | None]) -> float:
    return sum(UNKNOWN_FACTOR if v is None else v for v in values) / len(values)


def years_fit(job: JobFacts, candidate: CandidateFacts) -> float | None:
    years = candidate.years_of_experience
    if years is None or (job.years_min is None and job.years_max is None):
        return None
    low = job.years_min or 0
    if years < low:
        return _clip(years / low) ** 2 if low else 1.0
    if job.years_max is not None and years > job.years_max:
        # Overqualified is a gap too, gentler: minus 0.1 per year beyond the range, floor 0.4.
        return max(0.4, 1.0 - 0.1 * (years - job.years_max))
    return 1.0


def seniority_fit(job: JobFacts, candidate: CandidateFacts) -> float | None:
    if job.seniority not in SENIORITY_LEVELS or candidate.seniority not in SENIORITY_LEVELS:
        return None
    gap = abs(SENIORITY_LEVELS[job.seniority] - SENIORITY_LEVELS[candidate.seniority])
    return {0: 1.0, 1: 0.7, 2: 0.3}.get(gap, 0.0)


def location_fit(job: JobFacts, candidate: CandidateFacts) -> float | None:
    if job.workplace == "remote":
        base = 0.8 if candidate.remote_preference == "onsite" else 1.0
        # A remote job's allowed time zones against the candidate's country.
        zones = timezone_fit(job.remote_timezones, candidate.country) if candidate.country else None
        return base * (zones if zones is not None else 1.0)
    if not job.country or not candidate.country:
        return None
    same_country = job.country.casefold() == candidate.country.casefold()
    same_city = same_country and bool(job.city) and job.city.casefold() == candidate.city.casefold()
    if same_city:
        return 1.0
    if same_country:
        return 0.6 if job.workplace == "onsite" else 0.5
    return 0.1


def salary_fit(job: JobFacts, candidate: CandidateFacts) -> float | None:
    """Overlap of the candidate's expected range with the job's range (annual, same currency)."""
    if job.salary_max is None and job.salary_min is None:
        return None
    if candidate.salary_min is None and candidate.salary_max is None:
        return None
    if (
        job.salary_currency
        and candidate.salary_currency
        and job.salary_currency != candidate.salary_currency
    ):
        return None  # no exchange rates here: unknown, not a mismatch
    job_top = job.salary_max if job.salary_max is not None else job.salary_min
    ask = candidate.salary_min if candidate.salary_min is not None else candidate.salary_max
    assert job_top is not None and ask is not None
    if ask <= job_top:
        return 1.0
    # Each 10 % the expectation sits above the job's top costs 0.2.
    return _clip(1.0 - 2.0 * (ask - job_top) / max(job_top, 1))


def education_fit(job: JobFacts, candidate: CandidateFacts) -> float | None:
    if not job.education_level:
        return None
    if candidate.education_level is None:
        return 0.5
    gap = job.education_level - candidate.education_level
    return 1.0 if gap <= 0 else 0.5 if gap == 1 else 0.2


def language_fit(job: JobFacts, candidate: CandidateFacts) -> float | None:
    if not job.languages:
        return None
    return len(job.languages & candidate.languages) / len(job.languages)


TRADITIONAL_FACTORS = {
    "years": years_fit,
    "seniority": seniority_fit,
    "location": location_fit,
    "salary": salary_fit,
    "education": education_fit,
    "languages": language_fit,
}


def traditional_component(
    job: JobFacts, candidate: CandidateFacts
) -> tuple[float, dict[str, float | None]]:
    subs = {name: factor(job, candidate) for name, factor in TRADITIONAL_FACTORS.items()}
    return factor_mean(list(subs.values())), subs
