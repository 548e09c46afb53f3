"""A job's ranking pool loaded for the re-rank: facts without vectors, cosines from SQL.

One statement returns, per candidate, the row's version (`xmin`, the transaction that wrote it:
any change of the row, even one that bypasses `save()`, gives it a new one), the
profile<->job cosine and every experience entry's cosine to the job (pgvector computes them
from the vector columns of the profile and of its `ExperienceVector` rows; no vector is sent
or parsed). Facts are built only for candidates this process has not seen
with the same version: `CandidateFacts` are immutable and carry their memoised derived values
(tokenised fields, term weights, digest), so a candidate met again in another job's pool costs
nothing on the Python side. A second statement loads the columns of the others (values, no
model instances).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models.expressions import RawSQL
from pgvector.django import CosineDistance

from jobs.models import Job
from matching.adapters import candidate_facts
from matching.facts import CandidateFacts
from resumes.models import CandidateProfile

# What `candidate_facts` reads of a profile: the rows are loaded with these columns only.
FACT_COLUMNS = (
    "id", "headline", "summary", "skills", "skill_evidence", "experiences", "educations",
    "years_of_experience", "city", "country", "remote_preference", "work_authorization",
    "desired_salary_min", "desired_salary_max", "desired_salary_currency",
    "desired_salary_period", "languages", "embedding_model",
)  # fmt: skip
_TABLE = CandidateProfile._meta.db_table
_VERSION = f"{_TABLE}.xmin::text"

# Each experience entry's cosine to the job, in entry order (pgvector `<=>` over the entries'
# vector column); NULL unless the entries were embedded by the job's model.
_EXPERIENCE_COSINES = f"""(
    SELECT ARRAY(
        SELECT 1 - (x.embedding <=> %s::vector)
        FROM matching_experiencevector x WHERE x.vectors_id = v.id ORDER BY x.position
    )
    FROM matching_profilevectors v
    WHERE v.profile_id = {_TABLE}.id AND v.model_id = %s AND {_TABLE}.embedding_model = %s
)"""  # noqa: S608 (the model's own table name; the values are bound parameters)

# Candidates' facts by (id, row version), least recently used dropped first.
FACTS_CACHE_SIZE = 4096
_cache: OrderedDict[tuple[int, str], CandidateFacts] = OrderedDict()
_lock = threading.Lock()


def clear_facts_cache() -> None:
    with _lock:
        _cache.clear()


def _cached_facts(keys: Sequence[tuple[int, str]]) -> dict[int, CandidateFacts]:
    found = {}
    with _lock:
        for key in keys:
            facts = _cache.get(key)
            if facts is not None:
                _cache.move_to_end(key)
                found[key[0]] = facts
    return found


def _remember(key: tuple[int, str], facts: CandidateFacts) -> None:
    with _lock:
        _cache[key] = facts
        while len(_cache) > FACTS_CACHE_SIZE:
            _cache.popitem(last=False)


@dataclass(frozen=True)
class Pool:
    """A job's ranking pool: the candidates' facts (without vectors) and, per candidate, the
    cosines the database computed (None where it could not: the scalar path then decides)."""

    facts: list[CandidateFacts]
    profile_cosines: list[float | None]
    experience_cosines: list[tuple[float | None, ...] | None]


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value  # NaN: a zero vector


def pool_for_job(job: Job, ids: Sequence[int]) -> Pool:
    """The pool's facts and cosines, in id order."""
    rows = CandidateProfile.objects.filter(pk__in=ids).order_by("pk")
    # Constant statements; the vector and model ids are bound parameters.
    rows = rows.annotate(version=RawSQL(_VERSION, []))  # noqa: S611
    fields = ["pk", "version", "embedding_model"]
    if job.embedding is not None:
        vector = "[" + ",".join(map(repr, job.embedding)) + "]"
        rows = rows.annotate(
            job_distance=CosineDistance("embedding", list(job.embedding)),
            experience_cosines=RawSQL(  # noqa: S611
                _EXPERIENCE_COSINES, [vector, job.embedding_model, job.embedding_model]
            ),
        )
        fields += ["job_distance", "experience_cosines"]
    found = list(rows.values_list(*fields))
    keys = [(pk, version) for pk, version, *_ in found]
    known = _cached_facts(keys)
    missing = {pk: version for pk, version in keys if pk not in known}
    if missing:
        for values in CandidateProfile.objects.filter(pk__in=missing).values(*FACT_COLUMNS):
            pk = values["id"]
            facts = candidate_facts(SimpleNamespace(pk=pk, **values), with_embedding=False)
            known[pk] = facts
            _remember((pk, missing[pk]), facts)
    pool = Pool([], [], [])
    for pk, _, model, *cosines in found:
        facts = known.get(pk)
        if facts is None:
            continue  # deleted between the two statements
        distance, entries = cosines if cosines else (None, None)
        cosine = 1.0 - distance if distance is not None and model == job.embedding_model else None
        if entries is not None and len(entries) != len(facts.experiences):
            entries = ()  # vectors of other entries: no experience similarity, as in facts_of
        pool.facts.append(facts)
        pool.profile_cosines.append(_number(cosine))
        pool.experience_cosines.append(
            None if entries is None else tuple(_number(c) for c in entries)
        )
    return pool
