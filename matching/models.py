"""Stored matches: one row per (job, candidate), the score with everything that produced it.

A `Match` row is also the AI-decision log: inputs hash, scorer and embedding versions, weights,
components, explanation and the time it was computed.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from pgvector.django import VectorField


class Match(models.Model):
    class Feedback(models.TextChoices):
        NONE = "", "None"
        SHORTLISTED = "shortlisted", "Shortlisted"
        HIDDEN = "hidden", "Hidden"

    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="matches")
    candidate = models.ForeignKey(
        "resumes.CandidateProfile", on_delete=models.CASCADE, related_name="matches"
    )
    score = models.FloatField()
    components = models.JSONField(default=dict)  # lexical / semantic / traditional
    subscores = models.JSONField(default=dict)
    explanation = models.JSONField(default=dict)
    weights = models.JSONField(default=dict)
    model_versions = models.JSONField(default=dict)
    inputs_hash = models.CharField(max_length=64)
    computed_at = models.DateTimeField(default=timezone.now)
    # The optional LLM re-ranker's verdict (MATCH_RERANKER): shown beside the deterministic
    # components, never replacing them. Empty when no re-ranker ran; `inputs_hash` inside it
    # names the match inputs it judged, so an unchanged pair is not sent twice.
    llm_verdict = models.JSONField(default=dict, blank=True)
    # The recruiters' feedback on the pair (also recorded as events: later training data).
    # A recompute keeps it; hidden matches leave the portal list unless asked for.
    feedback = models.CharField(max_length=12, choices=Feedback.choices, default="", blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "candidate"], name="match_unique_job_candidate")
        ]
        indexes = [
            models.Index(fields=["job", "-score"], name="match_top_for_job"),
            models.Index(fields=["candidate", "-score"], name="match_top_for_candidate"),
        ]
        ordering = ["-score"]

    def __str__(self) -> str:
        return f"{self.job_id} ↔ {self.candidate_id}: {self.score:.3f}"

    @property
    def verdict_is_current(self) -> bool:
        """The LLM verdict judged these very inputs (not an earlier version of the pair)."""
        return bool(self.llm_verdict) and self.llm_verdict.get("inputs_hash") == self.inputs_hash

    @property
    def current_verdict(self) -> dict:
        """The LLM verdict to show: current and not an error; {} otherwise."""
        if not self.verdict_is_current or "error" in self.llm_verdict:
            return {}
        return self.llm_verdict


class ProfileVectors(models.Model):
    """Per-experience-entry vectors of a profile ("best experience entry ↔ job").

    The profile's own vector lives on `CandidateProfile.embedding` (HNSW-indexed for
    retrieval); these are only read during the re-rank, so a JSON list is enough.
    """

    profile = models.OneToOneField(
        "resumes.CandidateProfile", on_delete=models.CASCADE, related_name="matching_vectors"
    )
    model_id = models.CharField(max_length=100)
    experience_vectors = models.JSONField(default=list)  # one vector per profile experience
    texts_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"vectors of profile {self.profile_id} ({self.model_id})"


class ExperienceVector(models.Model):
    """One experience entry's vector as a pgvector column (a copy of the JSON entry in
    `ProfileVectors.experience_vectors`): the re-rank takes every entry's cosine to the job in
    SQL with `<=>`, where casting the JSON costs ~0.4 ms per entry."""

    vectors = models.ForeignKey(ProfileVectors, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveSmallIntegerField()  # index in the profile's experiences
    embedding = VectorField(dimensions=384)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vectors", "position"], name="experience_vector_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"entry {self.position} of {self.vectors_id}"
