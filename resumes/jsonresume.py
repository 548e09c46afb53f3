"""JSON Resume (https://jsonresume.org/schema): import a document into a profile, export one.

Only the sections a profile holds are mapped; the rest of an imported document is ignored.
Imported values are the candidate's own statements, so they count as hand-entered: a later
resume parse does not overwrite them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from analytics.services import record_event
from resumes.models import CandidateProfile
from resumes.signals import announce_profile_update
from resumes.skills import get_skill, normalize_skill

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"


def _text(value: Any, limit: int | None = None) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return text[:limit] if limit else text


def _month(value: Any) -> str | None:
    """JSON Resume dates are ISO 8601 ("2019", "2019-03", "2019-03-01"); we keep YYYY[-MM]."""
    text = _text(value)
    if len(text) >= 7 and text[4] == "-":
        return text[:7]
    return text[:4] if text[:4].isdigit() else None


def _list(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = document.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"JSON Resume: {key!r} must be a list.")
    return [item for item in value if isinstance(item, dict)]


def profile_values(document: dict[str, Any]) -> dict[str, Any]:
    """The profile fields a JSON Resume document states (only those it states)."""
    if not isinstance(document, dict):
        raise ValidationError("A JSON Resume document is a JSON object.")
    basics = document.get("basics") or {}
    if not isinstance(basics, dict):
        raise ValidationError("JSON Resume: 'basics' must be an object.")
    location = basics.get("location") or {}
    values: dict[str, Any] = {}
    for field, value in (
        ("full_name", _text(basics.get("name"), 200)),
        ("headline", _text(basics.get("label"), 300)),
        ("summary", _text(basics.get("summary"))),
        ("phone", _text(basics.get("phone"), 40)),
        ("city", _text(location.get("city"), 120) if isinstance(location, dict) else ""),
        ("country", _text(location.get("countryCode"), 120) if isinstance(location, dict) else ""),
    ):
        if value:
            values[field] = value
    links = [_text(basics.get("url"))] + [
        _text(profile.get("url")) for profile in _list(basics, "profiles")
    ]
    if any(links):
        values["links"] = [link[:500] for link in links if link.startswith(("http://", "https://"))]
    if "work" in document:
        values["experiences"] = [
            {
                "title": _text(job.get("position")),
                "company": _text(job.get("name")),
                "location": _text(job.get("location")),
                "start": _month(job.get("startDate")),
                "end": _month(job.get("endDate")),
                "is_current": bool(job.get("startDate")) and not job.get("endDate"),
                "description": "\n".join(
                    [_text(job.get("summary"))]
                    + [_text(h) for h in job.get("highlights") or [] if isinstance(h, str)]
                ).strip(),
            }
            for job in _list(document, "work")
        ]
    if "education" in document:
        values["educations"] = [
            {
                "institution": _text(school.get("institution")),
                "degree": _text(school.get("studyType")),
                "field": _text(school.get("area")),
                "start": _month(school.get("startDate")),
                "end": _month(school.get("endDate")),
            }
            for school in _list(document, "education")
        ]
    if "skills" in document:
        slugs: dict[str, str] = {}
        for skill in _list(document, "skills"):
            for name in [skill.get("name"), *(skill.get("keywords") or [])]:
                slug = normalize_skill(name) if isinstance(name, str) else None
                if slug:
                    slugs.setdefault(slug, f"JSON Resume: {name}")
        values["skills"] = list(slugs)
        values["skill_evidence"] = slugs
    if "languages" in document:
        values["languages"] = [
            _text(lang.get("language"), 60)
            for lang in _list(document, "languages")
            if _text(lang.get("language"))
        ]
    return values


@transaction.atomic
def import_jsonresume(*, user: User, document: dict[str, Any]) -> CandidateProfile:
    values = profile_values(document)
    profile, _ = CandidateProfile.objects.select_for_update().get_or_create(user=user)
    for field, value in values.items():
        setattr(profile, field, value)
    imported = [f for f in values if f in CandidateProfile.PARSED_FIELDS]
    profile.edited_fields = sorted(set(profile.edited_fields) | set(imported))
    profile.save()
    record_event(
        kind="profile.updated",
        actor=user,
        subject=profile,
        payload={"source": "jsonresume", "fields": sorted(values)},
    )
    announce_profile_update(profile_id=profile.pk, user_id=user.pk, fields=sorted(values))
    return profile


def export_jsonresume(profile: CandidateProfile) -> dict[str, Any]:
    user = profile.user
    basics: dict[str, Any] = {
        "name": profile.full_name or user.get_full_name(),
        "label": profile.headline,
        "email": user.email,
        "phone": profile.phone,
        "summary": profile.summary,
        "location": {"city": profile.city, "countryCode": profile.country},
        "profiles": [{"url": url} for url in profile.links],
    }
    work = [
        {
            "name": job.get("company", ""),
            "position": job.get("title", ""),
            "location": job.get("location", ""),
            "startDate": job.get("start") or "",
            "endDate": "" if job.get("is_current") else (job.get("end") or ""),
            "summary": job.get("description", ""),
        }
        for job in profile.experiences
        if isinstance(job, dict)
    ]
    education = [
        {
            "institution": school.get("institution", ""),
            "studyType": school.get("degree", ""),
            "area": school.get("field", ""),
            "startDate": school.get("start") or "",
            "endDate": school.get("end") or "",
        }
        for school in profile.educations
        if isinstance(school, dict)
    ]
    skills = []
    for slug in profile.skills:
        skill = get_skill(slug)
        skills.append({"name": skill.name if skill else slug})
    return {
        "$schema": SCHEMA_URL,
        "basics": basics,
        "work": work,
        "education": education,
        "skills": skills,
        "languages": [{"language": language} for language in profile.languages],
        "meta": {"lastModified": profile.updated_at.isoformat() if profile.updated_at else ""},
    }
