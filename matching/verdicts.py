"""The LLM re-ranker's verdicts on a job's top matches (`Match.llm_verdict`).

Runs after a job's recompute when `MATCH_RERANKER` is set. Only the top N (the backend's
`top_n`) are judged, and a match whose inputs have not changed since its verdict is not sent
again (the verdict records the `inputs_hash` it judged). The deterministic score, components
and order are never touched.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from jobs.models import Job
from matching.adapters import candidate_facts, job_facts
from matching.models import Match
from matching.rerank import RerankError, TransientRerankError, get_reranker

logger = logging.getLogger(__name__)


def rerank_job_matches(*, job_id: int) -> int:
    """Judge the job's top N matches that lack a current verdict; returns how many were sent.

    A transient failure propagates (the task retries; verdicts already stored are kept and
    not asked again); a permanent one is stored as `{"error": ...}` for that pair.
    """
    reranker = get_reranker()
    job = Job.objects.open().filter(pk=job_id).first()
    if reranker is None or job is None:
        return 0
    top = Match.objects.filter(job=job).select_related("candidate").order_by("-score", "pk")
    todo = [m for m in top[: reranker.top_n] if not m.verdict_is_current]
    jf = job_facts(job)
    for match in todo:
        try:
            verdict = reranker.judge(job=jf, candidate=candidate_facts(match.candidate)).as_json()
        except TransientRerankError:
            raise
        except RerankError as exc:
            logger.warning("re-ranker failed for match %s: %s", match.pk, exc)
            verdict = {"error": str(exc), "model_id": reranker.model_id}
        verdict |= {"inputs_hash": match.inputs_hash, "judged_at": timezone.now().isoformat()}
        # Only if the match was not re-scored meanwhile: a verdict belongs to its inputs.
        Match.objects.filter(pk=match.pk, inputs_hash=match.inputs_hash).update(llm_verdict=verdict)
    return len(todo)
