"""Vectors for `bench_matching`'s synthetic profiles that stand in for the embeddings of their
own texts (`Composer`; `matching.bench` draws the profiles)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matching.bench import Chunk

ACTIVITIES = 3000  # ESCO activity labels sampled into profile texts (one each)
# The scale of the text-specific residual added to each composed vector (`Composer.vectors`),
# chosen with `bench/vector_shape.py` (1,500 profiles; real embeddings of the same texts: LID
# 4.9, relative contrast 3.63, 1st / 50th neighbour cosine 0.961 / 0.855). Without residual
# (0): 24.2, 4.32, 0.978 / 0.968, neighbourhoods far denser than text's; 0.5: 17.9, 2.77,
# 0.943 / 0.903; 0.6: 16.4, 2.58, 0.931 / 0.878; 0.7: 15.4, 2.41, 0.919 / 0.851. 0.6 is the
# largest scale whose 50th neighbour stays at or above the real one; LID and contrast make it
# harder than text for an index.
RESIDUAL_SCALE = 0.6


@dataclass
class Composer:
    """Profile vectors that stand in for the embeddings of the profiles' own texts.

    A synthetic profile's text is "<role>. Skilled in <its skills>. Also: <an activity>."; the
    parts (the role texts, every skill name, `ACTIVITIES` ESCO activity labels) are embedded
    once with the configured model, and a profile's vector is w_role·role + w_skills·mean(its
    skills) + w_activity·activity + bias, normalised. The weights and the bias vector (the
    component every embedded text shares: real embeddings are anisotropic) are fitted by least
    squares on `fit` texts embedded for real, and `fidelity` is the cosine between the composed
    vector and the real embedding of the same text on `fit // 2` held-out texts.

    What the parts cannot say (the fit's residuals: real minus composed, about half the
    composed vector's norm) is what makes one text's embedding differ from another's with the
    same parts. Without it the composed vectors crowd into near-ties (`RESIDUAL_SCALE`). Each
    vector gets `residual_scale` times its own draw from a normal distribution with the
    residuals' covariance (`residual_basis`). Reusing the fit's residuals themselves (1,000 of
    them, a mix of two per profile) left one job of 20 at a million profiles with recall 0.00
    (HNSW ef 500: its exact top 50 all nearer than anything the search found), most likely an
    island of profiles of one role sharing one residual, a repetition no text has. Embedding a
    million texts would take hours here; isotropic noise around a few role vectors instead (the
    `blobs` option) fills 384 dimensions with noise that no text has, and makes every
    neighbour a near-tie: an approximate index finds far fewer of them than it does on text.
    """

    roles: list[str]
    skills: list[str]  # slugs, in the order of `skill_vectors`
    skill_names: list[str]
    activities: list[str]
    role_vectors: np.ndarray
    skill_vectors: np.ndarray
    activity_vectors: np.ndarray
    weights: np.ndarray = dataclass_field(default_factory=lambda: np.ones(3, dtype=np.float32))
    bias: np.ndarray | None = None
    fidelity: tuple[float, float] = (float("nan"), float("nan"))  # mean, 5th percentile
    residual_basis: np.ndarray | None = None  # (d, d): standard normal @ it ~ the residuals
    fidelity_with_residual: float = float("nan")  # mean, held-out, residual at its scale
    residual_scale: float = RESIDUAL_SCALE
    random_pair: float = float("nan")  # mean cosine of two profiles' real embeddings

    @classmethod
    def build(
        cls,
        embedder,
        roles: list[str],
        skills: dict[str, str],
        *,
        activities: int = ACTIVITIES,
        seed: int = 3,
    ) -> Composer:
        """`roles`: the role texts; `skills`: slug -> name of every skill a profile may list.
        Weights start equal and the bias at zero until `fit`."""
        from resumes.skills import all_skills

        rng = np.random.default_rng(seed)
        labels = sorted(s.name for s in all_skills() if s.category == "esco-skill")
        picked = rng.choice(len(labels), size=min(activities, len(labels)), replace=False)
        activities = [labels[i] for i in sorted(picked)]  # type: ignore[assignment]
        slugs = sorted(skills)
        names = [skills[s] for s in slugs]
        vectors = np.asarray(embedder.embed([*roles, *names, *activities]), dtype=np.float32)
        r, k = len(roles), len(names)
        return cls(
            roles=list(roles), skills=slugs, skill_names=names, activities=activities,
            role_vectors=vectors[:r], skill_vectors=vectors[r : r + k],
            activity_vectors=vectors[r + k :],
        )  # fmt: skip

    def __post_init__(self) -> None:
        self.index = {slug: i for i, slug in enumerate(self.skills)}

    def text(self, role: int, skills: list[str], activity: int) -> str:
        names = ", ".join(self.skill_names[self.index[s]] for s in skills)
        return f"{self.roles[role]}. Skilled in {names}. Also: {self.activities[activity]}."

    def parts(self, roles: np.ndarray, skills: list[list[str]], activities: np.ndarray):
        means = np.stack(
            [self.skill_vectors[[self.index[s] for s in row]].mean(axis=0) for row in skills]
        )
        return np.stack(
            [self.role_vectors[roles], means, self.activity_vectors[activities]], axis=-1
        )  # (n, d, 3)

    def vectors(
        self,
        roles: np.ndarray,
        skills: list[list[str]],
        activities: np.ndarray,
        rng: np.random.Generator | None = None,
    ):
        """The profiles' unit vectors; with `rng` (and a fitted composer), each plus its
        text-specific residual."""
        composed = self.parts(roles, skills, activities) @ self.weights
        if self.bias is not None:
            composed += self.bias
        if rng is not None and self.residual_basis is not None and self.residual_scale:
            normal = rng.standard_normal(composed.shape, dtype=np.float32)
            composed += self.residual_scale * (normal @ self.residual_basis)
        composed /= np.linalg.norm(composed, axis=1, keepdims=True)
        return composed.astype(np.float32)

    def fit(self, embedder, sample: Chunk) -> None:
        """Fit the weights and the bias on the real embeddings of a sample chunk's profile
        texts (what `embed_profile` embeds: headline, summary, roles); the last third is held
        out to measure `fidelity`."""
        texts = profile_texts(sample)
        real = np.asarray(embedder.embed(texts), dtype=np.float32)
        roles, activities = sample.roles, sample.activities
        parts = self.parts(roles, sample.skills, activities)
        n = len(texts)
        train, test = slice(0, n - n // 3), slice(n - n // 3, n)
        bias = np.zeros(real.shape[1], dtype=np.float32)
        for _ in range(3):  # alternate: the weights given the bias, the bias given the weights
            target = (real[train] - bias).reshape(-1)
            weights = np.linalg.lstsq(parts[train].reshape(-1, 3), target, rcond=None)[0]
            bias = (real[train] - parts[train] @ weights).mean(axis=0)
        self.weights, self.bias = weights.astype(np.float32), bias.astype(np.float32)
        residuals = real[train] - (parts[train] @ weights + bias)
        residuals -= residuals.mean(axis=0)
        variances, axes = np.linalg.eigh(residuals.T @ residuals / len(residuals))
        self.residual_basis = (np.sqrt(np.clip(variances, 0, None))[:, None] * axes.T).astype(
            np.float32
        )
        composed = self.vectors(roles[test], sample.skills[test], activities[test])
        cosines = (composed * real[test]).sum(axis=1)
        self.fidelity = (float(cosines.mean()), float(np.percentile(cosines, 5)))
        noisy = self.vectors(
            roles[test], sample.skills[test], activities[test], np.random.default_rng(0)
        )
        self.fidelity_with_residual = float((noisy * real[test]).sum(axis=1).mean())
        pairs = (real[test][: n // 6] * real[test][n // 6 : 2 * (n // 6)]).sum(axis=1)
        self.random_pair = float(pairs.mean())


def profile_texts(chunk: Chunk) -> list[str]:
    """What `embed_profile` would embed for each profile of the chunk (headline, summary,
    roles: `CandidateFacts.profile_text`)."""
    from matching.adapters import candidate_facts
    from resumes.models import CandidateProfile

    return [
        candidate_facts(CandidateProfile(headline=h, summary=s, experiences=e)).profile_text
        for h, s, e in zip(chunk.headline, chunk.summary, chunk.experiences, strict=True)
    ]
