"""The candidate's profile: filled from the primary resume's parse, then edited by hand."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from analytics.services import record_event
from resumes.models import CandidateProfile, Resume
from resumes.signals import announce_profile_update

Status = Resume.Status


# --- Primary, deletion --------------------------------------------------------------------
def feeds_profile(resume: Resume) -> bool:
    """The primary resume feeds the profile; a sourced one only while there is no primary."""
    if resume.is_primary:
        return True
    return (
        resume.company_id is not None
        and not Resume.objects.filter(owner_id=resume.owner_id, is_primary=True).exists()
    )


@transaction.atomic
def set_primary_resume(*, resume: Resume, actor: User) -> Resume:
    if resume.company_id is not None:
        raise ValidationError("A resume sourced by a company cannot be the primary resume.")
    Resume.objects.filter(owner_id=resume.owner_id, is_primary=True).exclude(pk=resume.pk).update(
        is_primary=False
    )
    resume.is_primary = True
    resume.save(update_fields=["is_primary", "updated_at"])
    if resume.status == Status.PARSED:
        update_profile_from_resume(resume=resume, actor=actor)
    return resume


@transaction.atomic
def delete_resume(*, resume: Resume, actor: User) -> None:
    was_primary = resume.is_primary
    owner_id = resume.owner_id
    storage, name = resume.file.storage, resume.file.name
    record_event(kind="resume.deleted", actor=actor, company=resume.company, subject=resume)
    resume.delete()
    # The bytes go only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))
    if was_primary:
        successor = (
            Resume.objects.filter(owner_id=owner_id, company__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if successor is not None:
            set_primary_resume(resume=successor, actor=actor)


# --- Profile -------------------------------------------------------------------------------
def _profile_values(parsed: dict[str, Any]) -> dict[str, Any]:
    mentions = parsed.get("skill_slugs") or []
    evidence: dict[str, str] = {}
    for mention in mentions:
        evidence.setdefault(mention["slug"], mention.get("line") or mention.get("text") or "")
    years = parsed.get("years_of_experience")
    return {
        "full_name": (parsed.get("name") or "")[:200],
        "phone": (parsed.get("phone_e164") or parsed.get("phone") or "")[:40],
        "headline": (parsed.get("headline") or "")[:300],
        "summary": parsed.get("summary") or "",
        "city": (parsed.get("city") or "")[:120],
        "country": (parsed.get("country") or "")[:120],
        "links": [url[:500] for url in parsed.get("urls") or []],
        "years_of_experience": float(years) if years is not None else None,
        "skills": list(evidence),
        "skill_evidence": evidence,
        "experiences": parsed.get("experiences") or [],
        "educations": parsed.get("educations") or [],
        "languages": [lang[:60] for lang in parsed.get("languages") or []],
    }


@transaction.atomic(savepoint=False)  # inside the parse's transaction: no savepoint needed
def update_profile_from_resume(*, resume: Resume, actor: User | None = None) -> CandidateProfile:
    """Fill the owner's profile from the resume's parse; hand-edited fields are kept.

    Two statements for an existing profile (the locked read, an update of the changed
    columns only, so an embedding written meanwhile by matching is never overwritten with
    the stale one); a first profile is inserted with its values at once.
    """
    values = _profile_values(resume.parsed or {})
    profile = CandidateProfile.objects.select_for_update().filter(user_id=resume.owner_id).first()
    inserted = None
    if profile is None:
        profile = inserted = _insert_profile(resume=resume, values=values)
    if inserted is not None:
        blank = CandidateProfile()
        changed = [name for name, value in values.items() if getattr(blank, name) != value]
    else:
        if profile is None:  # another transaction created it since the read above
            profile = CandidateProfile.objects.select_for_update().get(user_id=resume.owner_id)
        changed = [
            name
            for name, value in values.items()
            if name not in profile.edited_fields and getattr(profile, name) != value
        ]
        for name in changed:
            setattr(profile, name, values[name])
        profile.source_resume = resume
        profile.save(update_fields=[*changed, "source_resume", "updated_at"])
    record_event(
        kind="profile.updated",
        actor=actor,
        company=resume.company,
        subject=profile,
        payload={"source": "resume", "resume": str(resume.pk), "fields": changed},
    )
    if changed:
        announce_profile_update(profile_id=profile.pk, user_id=profile.user_id, fields=changed)
    return profile


def _insert_profile(*, resume: Resume, values: dict[str, Any]) -> CandidateProfile | None:
    """The owner's first profile, or None when another transaction inserted it first."""
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer one usable
            return CandidateProfile.objects.create(
                user_id=resume.owner_id, source_resume=resume, **values
            )
    except IntegrityError:
        return None


@transaction.atomic
def edit_profile(
    *, profile: CandidateProfile, actor: User, data: dict[str, Any]
) -> CandidateProfile:
    """The candidate's own edits; parsed fields they touch are never overwritten again."""
    changed = [name for name, value in data.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, data[name])
    hand_edited = [name for name in changed if name in CandidateProfile.PARSED_FIELDS]
    profile.edited_fields = sorted(set(profile.edited_fields) | set(hand_edited))
    profile.full_clean(exclude=["user", "source_resume", "embedding"])
    profile.save()
    if changed:
        record_event(
            kind="profile.updated",
            actor=actor,
            subject=profile,
            payload={"source": "edit", "fields": changed},
        )
        announce_profile_update(profile_id=profile.pk, user_id=profile.user_id, fields=changed)
    return profile
