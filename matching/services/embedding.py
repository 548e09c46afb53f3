"""Embedding jobs and profiles with the configured backend (`EMBEDDINGS`)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from jobs.models import Job
from matching.adapters import candidate_facts, job_facts
from matching.embeddings import get_embedder
from matching.models import ExperienceVector, ProfileVectors
from resumes.models import CandidateProfile

VECTOR_COLUMN_DIMENSIONS = 384


def _embedder():
    embedder = get_embedder()
    if embedder.dimension != VECTOR_COLUMN_DIMENSIONS:
        raise ImproperlyConfigured(
            f"{embedder.model_id} makes {embedder.dimension}-d vectors; the embedding columns "
            f"hold {VECTOR_COLUMN_DIMENSIONS}. Migrate the columns before switching models."
        )
    return embedder


# --- Embedding -----------------------------------------------------------------------------


def embed_job(*, job_id: int) -> Job | None:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    embedder = _embedder()
    [vector] = embedder.embed([job_facts(job).text])
    Job.objects.filter(pk=job.pk).update(embedding=vector, embedding_model=embedder.model_id)
    job.embedding, job.embedding_model = vector, embedder.model_id
    return job


def embed_profile(*, profile_id: int) -> CandidateProfile | None:
    """The profile vector (headline, summary, roles) and one vector per experience entry."""
    profile = CandidateProfile.objects.filter(pk=profile_id).first()
    if profile is None:
        return None
    embedder = _embedder()
    facts = candidate_facts(profile)
    texts = [facts.profile_text or facts.summary or " ", *(e.text for e in facts.experiences)]
    digest = hashlib.sha256("\x1e".join([embedder.model_id, *texts]).encode()).hexdigest()
    existing = ProfileVectors.objects.filter(profile=profile).first()
    if existing and existing.texts_hash == digest and profile.embedding is not None:
        return profile  # nothing changed: a retried or duplicate task is a no-op
    vectors = embedder.embed(texts)
    with transaction.atomic():
        CandidateProfile.objects.filter(pk=profile.pk).update(
            embedding=vectors[0], embedding_model=embedder.model_id
        )
        stored, _ = ProfileVectors.objects.update_or_create(
            profile=profile,
            defaults={
                "model_id": embedder.model_id,
                "experience_vectors": vectors[1:],
                "texts_hash": digest,
            },
        )
        # The pgvector copy the re-rank compares in SQL (see ExperienceVector).
        ExperienceVector.objects.filter(vectors=stored).delete()
        ExperienceVector.objects.bulk_create(
            ExperienceVector(vectors=stored, position=i, embedding=vector)
            for i, vector in enumerate(vectors[1:])
        )
    profile.embedding, profile.embedding_model = vectors[0], embedder.model_id
    return profile


# --- Another model's vectors ------------------------------------------------------------------

# How many profiles and how many jobs one run of `reembed_stale` embeds again.
REEMBED_BATCH = 500


def reembed_stale(*, batch: int = REEMBED_BATCH) -> dict[str, int]:
    """Vectors made by another model than the configured one (the model was changed): up to
    `batch` profiles and `batch` jobs embedded again now, each side's re-rank requested
    (debounced). Beat runs it hourly until none is left (`manage.py reembed` does every row at
    once). Until then searches and scores compare only vectors of one model: a job's search
    reads the candidates of its own model, and a pair of two models has no semantic score."""
    from matching.services.debounce import request_candidate_recompute, request_job_recompute

    model_id = _embedder().model_id
    profiles = list(
        ProfileVectors.objects.exclude(model_id=model_id)
        .order_by("profile_id")
        .values_list("profile_id", "profile__user_id")[:batch]
    )
    for profile_id, user_id in profiles:
        embed_profile(profile_id=profile_id)
        request_candidate_recompute(user_id=user_id)
    jobs = list(
        Job.objects.filter(embedding__isnull=False)
        .exclude(embedding_model=model_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    for job_id in jobs:
        embed_job(job_id=job_id)
        request_job_recompute(job_id=job_id)
    return {"profiles": len(profiles), "jobs": len(jobs)}
