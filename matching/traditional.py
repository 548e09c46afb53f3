"""The traditional component of the hybrid score: years, seniority, location, salary, education
and languages, each a pure function of the facts returning a fit in [0, 1] or `None` when one
side does not say; below, the same factors as arrays over a pool (`matching.ranking`), whose
element-wise arithmetic follows the scalar code operation by operation (bit-for-bit the same).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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


# --- Over a pool (numpy) -----------------------------------------------------------------


def _array(values: Sequence[float | None]) -> np.ndarray:
    return np.array(values, dtype=np.float64)  # None reads as NaN


def _clip_array(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 1.0)


def _unknown(n: int) -> np.ndarray:
    return np.full(n, np.nan)


def _years(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    years = _array([c.years_of_experience for c in pool])
    if job.years_min is None and job.years_max is None:
        return _unknown(len(pool))
    low = job.years_min or 0
    out = np.ones(len(pool))
    if job.years_max is not None:
        over = np.maximum(0.4, 1.0 - 0.1 * (years - job.years_max))
        out = np.where(years > job.years_max, over, out)
    if low:
        out = np.where(years < low, _clip_array(years / low) ** 2, out)
    return np.where(np.isnan(years), np.nan, out)


def _seniority(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    if job.seniority not in SENIORITY_LEVELS:
        return _unknown(len(pool))
    levels = _array([SENIORITY_LEVELS.get(c.seniority) for c in pool])
    gap = np.abs(SENIORITY_LEVELS[job.seniority] - levels)
    fit = np.select([gap == 0, gap == 1, gap == 2], [1.0, 0.7, 0.3], default=0.0)
    return np.where(np.isnan(levels), np.nan, fit)


def _location(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    countries = np.array([c.country for c in pool], dtype=object)
    if job.workplace == "remote":
        base = np.where(np.array([c.remote_preference for c in pool]) == "onsite", 0.8, 1.0)
        zones_by_country = {
            code: timezone_fit(job.remote_timezones, code) for code in set(countries) if code
        }
        zones = np.array([zones_by_country.get(code) if code else None for code in countries])
        return base * np.where(zones == None, 1.0, zones).astype(np.float64)  # noqa: E711
    if not job.country:
        return _unknown(len(pool))
    folded = np.array([c.casefold() for c in countries], dtype=object)
    same_country = folded == job.country.casefold()
    cities = np.array([c.city.casefold() for c in pool], dtype=object)
    same_city = same_country & bool(job.city) & (cities == job.city.casefold())
    fit = np.where(same_country, 0.6 if job.workplace == "onsite" else 0.5, 0.1)
    fit = np.where(same_city, 1.0, fit)
    return np.where(countries == "", np.nan, fit)


def _salary(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    if job.salary_max is None and job.salary_min is None:
        return _unknown(len(pool))
    low, high = _array([c.salary_min for c in pool]), _array([c.salary_max for c in pool])
    currency = job.salary_currency
    other_currency = np.array(
        [bool(currency and c.salary_currency and c.salary_currency != currency) for c in pool]
    )
    top = job.salary_max if job.salary_max is not None else job.salary_min
    assert top is not None
    ask = np.where(np.isnan(low), high, low)
    fit = np.where(ask <= top, 1.0, _clip_array(1.0 - 2.0 * (ask - top) / max(top, 1)))
    return np.where(np.isnan(ask) | other_currency, np.nan, fit)


def _education(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    if not job.education_level:
        return _unknown(len(pool))
    gap = job.education_level - _array([c.education_level for c in pool])
    fit = np.where(gap <= 0, 1.0, np.where(gap == 1, 0.5, 0.2))
    return np.where(np.isnan(gap), 0.5, fit)


def _languages(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    if not job.languages:
        return _unknown(len(pool))
    spoken = np.array([len(job.languages & c.languages) for c in pool], dtype=np.float64)
    return spoken / len(job.languages)


# Each factor of `TRADITIONAL_FACTORS` over a pool: floats, NaN where the scalar gives None.
FACTOR_ARRAYS = {
    "years": _years,
    "seniority": _seniority,
    "location": _location,
    "salary": _salary,
    "education": _education,
    "languages": _languages,
}


def traditional_array(factors: Sequence[np.ndarray]) -> np.ndarray:
    """`traditional_component` over a pool, from its factor arrays (in `FACTOR_ARRAYS` order)."""
    total: np.ndarray | int = 0
    for values in factors:
        total = total + np.where(np.isnan(values), UNKNOWN_FACTOR, values)
    return np.asarray(total) / len(factors)
