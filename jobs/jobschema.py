"""JSON Resume job postings (https://jsonresume.org/job-description-schema): import them as jobs.

Only what a `Job` holds is mapped (`company`, `date`, `tools` and `meta` are ignored). Free-text
fields (`experience`, `salary`) are read only as far as they are unambiguous: a value we cannot
read with confidence is left out rather than guessed, so the recruiter fills it in.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Company, User
from jobs.analysis.local import find_years
from jobs.models import Job
from jobs.services import create_job, publish_job
from resumes.skills import normalize_skill

_REMOTE = {
    "full": Job.Workplace.REMOTE,
    "remote": Job.Workplace.REMOTE,
    "yes": Job.Workplace.REMOTE,
    "true": Job.Workplace.REMOTE,
    "hybrid": Job.Workplace.HYBRID,
}

_SENIORITY_WORDS = {
    **{level.value: level.value for level in Job.Seniority},
    "internship": Job.Seniority.INTERN,
    "jr": Job.Seniority.JUNIOR,
    "entry": Job.Seniority.JUNIOR,
    "intermediate": Job.Seniority.MID,
    "sr": Job.Seniority.SENIOR,
    "staff": Job.Seniority.PRINCIPAL,
    "director": Job.Seniority.EXECUTIVE,
}

_SYMBOLS = {"€": "EUR", "£": "GBP"}
# Codes read from salary text; a short list so that "OTE" or "DOE" is not taken for a currency.
CURRENCY_CODES = frozenset({
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "ISK", "PLN", "CZK",
    "HUF", "RON", "BGN", "JPY", "CNY", "HKD", "SGD", "INR", "KRW", "BRL", "MXN", "ZAR", "ILS",
    "AED", "TRY",
})  # fmt: skip
# Currencies written with "$" too: "CAD $90,000" is in Canadian dollars, not US ones.
_DOLLAR_CODES = frozenset({"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"})
_CODE_RE = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])")
_AMOUNT_RE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+|\d+(?:\.\d+)?)\s*(k)?(?!\w)",
    re.IGNORECASE,
)
_RANGE_WORDS = {"-", "\u2013", "\u2014", "to"}
_OTHER_PERIOD_RE = re.compile(
    r"\b(?:hours?|hourly|hrs?|days?|daily|weeks?|weekly|months?|monthly)\b|/\s*(?:h|d|w|m|mo)\b",
    re.IGNORECASE,
)
_UP_TO_RE = re.compile(r"\b(?:up to|max(?:imum)?)\b", re.IGNORECASE)
_FROM_RE = re.compile(r"\b(?:from|min(?:imum)?|at least|starting)\b|\d\s*k?\s*\+", re.IGNORECASE)
MIN_YEARLY_SALARY = 1_000
MAX_SALARY = 2_147_483_647  # PositiveIntegerField


def _text(value: Any, limit: int | None = None) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return text[:limit] if limit else text


def _object(posting: dict[str, Any], key: str) -> dict[str, Any]:
    value = posting.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"Job schema: {key!r} must be an object.")
    return value


def _list(posting: dict[str, Any], key: str) -> list[Any]:
    value = posting.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"Job schema: {key!r} must be a list.")
    return value


def _description(posting: dict[str, Any]) -> str:
    """The description, then the responsibilities and qualifications as Markdown bullet lists."""
    sections = [_text(posting.get("description"))]
    for heading, key in (("Responsibilities", "responsibilities"),
                         ("Qualifications", "qualifications")):  # fmt: skip
        items = [_text(item) for item in _list(posting, key)]
        if any(items):
            bullets = "\n".join(f"- {item}" for item in items if item)
            sections.append(f"{heading}:\n\n{bullets}")
    return "\n\n".join(section for section in sections if section)


def _seniority(experience: str) -> str | None:
    """The one level the text names ("Senior", "Mid-level"); None for none or several."""
    words = re.findall(r"[a-z]+", experience.casefold())
    levels = {_SENIORITY_WORDS[word] for word in words if word in _SENIORITY_WORDS}
    return levels.pop() if len(levels) == 1 else None


def _squash(text: str) -> str:
    return re.sub(r"[\s_-]", "", text).casefold()


def _employment_type(value: Any) -> str | None:
    """ "Full-time", "full time", "FULL_TIME" all name `full_time`; other types are left out."""
    wanted = _squash(_text(value))
    for choice in Job.EmploymentType:
        if wanted and wanted in (_squash(choice.value), _squash(choice.label)):
            return choice.value
    return None


def _skills(posting: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Skill names are required, their keywords preferred; both as taxonomy slugs."""
    names: list[Any] = []
    keywords: list[Any] = []
    for skill in _list(posting, "skills"):
        if isinstance(skill, str):
            names.append(skill)
        elif isinstance(skill, dict):
            names.append(skill.get("name"))
            if isinstance(skill.get("keywords"), list):
                keywords.extend(skill["keywords"])
    required = _slugs(names)
    preferred = [slug for slug in _slugs(keywords) if slug not in required]
    return required, preferred


def _slugs(names: list[Any]) -> list[str]:
    slugs = (normalize_skill(name) for name in names if isinstance(name, str))
    return list(dict.fromkeys(slug for slug in slugs if slug))


def _currency(text: str) -> str | None:
    """The one currency the text names; None when it names none or several."""
    codes = {code for code in _CODE_RE.findall(text) if code in CURRENCY_CODES}
    codes |= {_SYMBOLS[symbol] for symbol in re.findall("[€£]", text)}
    dollars = {prefix.upper() for prefix in re.findall(r"([A-Za-z]*)\$", text)}
    if dollars and not codes:
        # "C$", "A$", "R$": some dollar (or real), but which one is not ours to guess.
        return "USD" if dollars <= {"", "US"} else None
    if dollars and not codes & _DOLLAR_CODES:
        return None
    return codes.pop() if len(codes) == 1 else None


def _amount(match: re.Match[str]) -> float:
    digits = match.group(1)
    if "," in digits or re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):
        return int(re.sub(r"[.,]", "", digits))
    return float(digits)


def _salary(text: str) -> dict[str, Any]:
    """A yearly range ("$90,000 - 120,000", "€50k-60k", "90000 USD", "up to £70k"), or {}."""
    currency = _currency(text)
    matches = list(_AMOUNT_RE.finditer(text))
    if currency is None or not 1 <= len(matches) <= 2 or _OTHER_PERIOD_RE.search(text):
        return {}
    amounts = [_amount(m) * (1000 if m.group(2) else 1) for m in matches]
    if len(matches) == 2:
        between = re.sub(
            r"[A-Za-z]*[$€£]|[A-Z]{3}", "", text[matches[0].end() : matches[1].start()]
        )
        if between.strip().casefold() not in _RANGE_WORDS:
            return {}
        if matches[1].group(2) and not matches[0].group(2) and amounts[0] < MIN_YEARLY_SALARY:
            amounts[0] *= 1000  # "$90-120k"
        low, high = (round(amount) for amount in amounts)
    elif _UP_TO_RE.search(text):
        low, high = None, round(amounts[0])
    elif _FROM_RE.search(text):
        low, high = round(amounts[0]), None
    else:
        low = high = round(amounts[0])
    stated = [amount for amount in (low, high) if amount is not None]
    # Below 1,000 a year is an hourly rate or a figure in thousands: either way, not ours to guess.
    if min(stated) < MIN_YEARLY_SALARY or max(stated) > MAX_SALARY or stated != sorted(stated):
        return {}
    return {
        "salary_min": low,
        "salary_max": high,
        "salary_currency": currency,
        "salary_period": Job.SalaryPeriod.YEAR,
    }


def job_values(posting: dict[str, Any]) -> dict[str, Any]:
    """The `Job` fields a job-schema posting states (only those it states, plus the workplace)."""
    if not isinstance(posting, dict):
        raise ValidationError("A job-schema posting is a JSON object.")
    title = _text(posting.get("title"), Job._meta.get_field("title").max_length)
    if not title:
        raise ValidationError("A job-schema posting needs a title.")
    description = _description(posting)
    if not description:
        raise ValidationError(
            "A job-schema posting needs a description, responsibilities or qualifications."
        )
    location = _object(posting, "location")
    values: dict[str, Any] = {"title": title, "description": description}
    country = _text(location.get("countryCode")).upper()
    for field, value in (
        ("city", _text(location.get("city"), 120)),
        ("region", _text(location.get("region"), 120)),
        ("country", country if re.fullmatch(r"[A-Z]{2}", country) else ""),
    ):
        if value:
            values[field] = value
    remote = posting.get("remote")
    remote = str(remote).strip().casefold() if isinstance(remote, str | bool) else ""
    values["workplace"] = _REMOTE.get(remote, Job.Workplace.ONSITE)
    if employment_type := _employment_type(posting.get("type")):
        values["employment_type"] = employment_type
    experience = _text(posting.get("experience"))
    if seniority := _seniority(experience):
        values["seniority"] = seniority
    years_min, years_max = find_years(experience)
    if years_min is not None:
        values["years_min"] = years_min
    if years_max is not None:
        values["years_max"] = years_max
    if "skills" in posting:
        values["required_skills"], values["preferred_skills"] = _skills(posting)
    values.update(_salary(_text(posting.get("salary"))))
    return values


@transaction.atomic
def import_jobschema(
    *, company: Company, created_by: User, posting: dict[str, Any], publish: bool = True
) -> Job:
    """Create the posting's job for `company`: published, or a draft when `publish` is False."""
    job = create_job(company=company, created_by=created_by, fields=job_values(posting))
    if publish:
        job = publish_job(job=job, actor=created_by)
    return job
