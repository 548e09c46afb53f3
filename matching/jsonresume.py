"""Facts from JSON Resume documents and JSON Resume job-schema postings (the evaluation sets).

Production builds facts from `CandidateProfile` and `Job` rows (`matching.adapters`); this module
reads the same public formats the evaluation sets use, with the same skills taxonomy, so the
evaluation scores what production scores.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from matching.facts import CandidateFacts, Experience, JobFacts, education_level
from matching.seniority import candidate_seniority, infer_seniority
from resumes.skills import find_skills, normalize_skill

COUNTRY_NAMES = {"usa": "US", "united states": "US", "brazil": "BR", "canada": "CA", "uk": "GB"}
LANGUAGE_CODES = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "portuguese": "pt",
    "italian": "it", "dutch": "nl", "chinese": "zh", "mandarin": "zh", "japanese": "ja",
    "russian": "ru", "arabic": "ar", "hindi": "hi", "korean": "ko", "polish": "pl",
}  # fmt: skip


def _country(location: dict[str, Any] | None) -> str:
    location = location or {}
    raw = (location.get("countryCode") or location.get("country") or "").strip()
    if len(raw) == 2:
        return raw.upper()
    return COUNTRY_NAMES.get(raw.casefold(), raw.upper()[:2] if raw else "")


def _date(raw: str | None) -> date | None:
    match = re.match(r"(\d{4})(?:-(\d{1,2}))?", raw or "")
    if not match:
        return None
    return date(int(match.group(1)), int(match.group(2) or 1), 1)


def years_worked(entries: list[dict[str, Any]], today: date | None = None) -> float | None:
    """Years covered by the entries' date ranges, overlaps counted once."""
    today = today or date.today()
    spans = []
    for entry in entries:
        start = _date(entry.get("startDate"))
        if start is None:
            continue
        end = _date(entry.get("endDate")) or today
        if end > start:
            spans.append((start, end))
    if not spans:
        return None
    spans.sort()
    total, (cur_start, cur_end) = 0.0, spans[0]
    for start, end in spans[1:]:
        if start > cur_end:
            total += (cur_end - cur_start).days
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    total += (cur_end - cur_start).days
    return round(total / 365.25, 1)


def _entry_text(entry: dict[str, Any]) -> str:
    lines = [entry.get("summary") or entry.get("description") or ""]
    lines += [f"- {h}" for h in entry.get("highlights") or [] if isinstance(h, str)]
    return "\n".join(line for line in lines if line).strip()


def _flatten(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _flatten(v)]
    if isinstance(value, list):
        return [s for v in value for s in _flatten(v)]
    return []


def candidate_from_resume(
    candidate_id: str, resume: dict[str, Any], *, with_location: bool = True
) -> CandidateFacts:
    basics = resume.get("basics") or {}
    work = [w for w in resume.get("work") or [] if isinstance(w, dict)]
    volunteer = [v for v in resume.get("volunteer") or [] if isinstance(v, dict)]
    experiences = tuple(
        Experience(
            title=entry.get("position") or entry.get("name") or "",
            company=entry.get("name") or entry.get("organization") or "",
            description=_entry_text(entry),
            years=years_worked([entry]),
        )
        for entry in [*work, *volunteer]
    )
    skill_lines = []
    listed: set[str] = set()
    for group in resume.get("skills") or []:
        if not isinstance(group, dict):
            continue
        names = [group.get("name") or "", *(group.get("keywords") or [])]
        skill_lines.append(f"{group.get('name', '')}: {', '.join(group.get('keywords') or [])}")
        for raw in names:
            for part in re.split(r"\s*[/,]\s*", str(raw)):
                slug = normalize_skill(part) if part else None
                if slug:
                    listed.add(slug)
    known = {"basics", "work", "volunteer", "skills", "meta", "$schema", "references"}
    extra = "\n".join(s for key, v in resume.items() if key not in known for s in _flatten(v))
    lines = [basics.get("label") or "", basics.get("summary") or ""]
    for exp in experiences:
        lines += [exp.title, exp.description]
    full_text = "\n".join([*lines, *skill_lines, extra])
    evidence: dict[str, str] = {}
    for mention in find_skills(full_text):
        evidence.setdefault(mention.slug, mention.line)
    skills = frozenset(listed | set(evidence))
    location = basics.get("location") if with_location else None
    languages = frozenset(
        code
        for lang in resume.get("languages") or []
        if isinstance(lang, dict)
        and (code := LANGUAGE_CODES.get(str(lang.get("language", "")).casefold()))
    )
    headline = basics.get("label") or ""
    current = experiences[0].title if experiences else ""
    years = years_worked(work)
    return CandidateFacts(
        id=candidate_id,
        headline=headline,
        summary=basics.get("summary") or "",
        skills=skills,
        skill_evidence=evidence,
        experiences=experiences,
        extra_text=extra,
        years_of_experience=years,
        seniority=candidate_seniority([headline, current], years),
        city=((location or {}).get("city") or "") if with_location else "",
        country=_country(location) if with_location else "",
        education_level=education_level(resume.get("education") or []),
        languages=languages,
    )


def job_from_posting(
    job_id: str, posting: dict[str, Any], *, with_location: bool = True
) -> JobFacts:
    title = posting.get("title") or ""
    description = posting.get("description") or ""
    required: list[str] = []
    preferred: list[str] = []
    for group in posting.get("skills") or []:
        name = group.get("name") if isinstance(group, dict) else str(group)
        slug = normalize_skill(name or "")
        if slug:
            required.append(slug)
        for keyword in group.get("keywords") or [] if isinstance(group, dict) else []:
            kslug = normalize_skill(keyword)
            if kslug:
                preferred.append(kslug)
    # Skills the text names: required when in the title, else preferred (a posting's prose
    # mixes must-haves and nice-to-haves; the recruiter confirms them in the job form).
    for mention in find_skills(f"{title}\n{description}"):
        target = required if mention.line == title.strip() or not description else preferred
        target.append(mention.slug)
    if not required and preferred:
        required, preferred = preferred, []
    location = posting.get("location") if with_location else None
    remote = str(posting.get("remote") or "").casefold()
    workplace = (
        "remote"
        if remote in {"full", "remote", "yes", "true"}
        else ("hybrid" if remote == "hybrid" else "onsite")
    )
    return JobFacts(
        id=job_id,
        title=title,
        description=description,
        required_skills=tuple(dict.fromkeys(required)),
        preferred_skills=tuple(s for s in dict.fromkeys(preferred) if s not in required),
        seniority=infer_seniority(title),
        city=((location or {}).get("city") or "") if with_location else "",
        country=_country(location) if with_location else "",
        workplace=workplace if with_location or workplace == "remote" else "remote",
    )
