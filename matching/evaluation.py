"""Offline evaluation of the rankers on a folder of JSON Resume candidates and job postings.

Three rankers score every (job, candidate) pair of a set:
- `hybrid`: `matching.scoring.score_match`, the production score;
- `bm25`: the keyword-count baseline, Okapi BM25 on the raw texts (one field, no taxonomy);
- `embedding`: the semantic component alone (profile and best experience entry vs the job).
Rankings are written as run files and scored by the shared `score_matching.py`, in both
directions: `job` (rank candidates for each job) and `candidate` (rank jobs for each candidate).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from matching.embeddings import Embedder
from matching.facts import CandidateFacts, JobFacts
from matching.jsonresume import _flatten, candidate_from_resume, job_from_posting
from matching.lexical import TermStats, terms
from matching.scoring import passes_filters, score_match, semantic_component

RANKERS = ("hybrid", "bm25", "embedding")
Run = list[tuple[str, str, float]]  # query_id, doc_id, score


@dataclass(frozen=True)
class EvalSet:
    name: str
    jobs: list[JobFacts]
    candidates: list[CandidateFacts]
    raw_jobs: dict[str, str]  # id -> raw text, for the baseline
    raw_candidates: dict[str, str]
    qrels: dict[str, Path]  # label set name -> qrels file (job_id, candidate_id, grade)
    directions: tuple[str, ...] = ("job", "candidate")


def _raw(document: dict[str, Any]) -> str:
    return "\n".join(_flatten({k: v for k, v in document.items() if k not in {"meta", "$schema"}}))


# What `--no-location` withholds, wherever it sits (the resume's basics, each work entry, the
# posting): places and the posting's remote type.
LOCATION_KEYS = frozenset({"location", "address", "postalCode", "city", "countryCode", "region",
                           "remote"})  # fmt: skip


def without_location(document: Any) -> Any:
    """The document with every location field left out, at any depth."""
    if isinstance(document, dict):
        return {k: without_location(v) for k, v in document.items() if k not in LOCATION_KEYS}
    if isinstance(document, list):
        return [without_location(v) for v in document]
    return document


def load_matching_set(folder: Path, *, with_location: bool = True) -> EvalSet:
    jobs, cands, raw_jobs, raw_cands = [], [], {}, {}
    for path in sorted((folder / "jobs").glob("*.json")):
        posting = json.loads(path.read_text(encoding="utf-8"))
        if not with_location:
            posting.pop("location", None)
        jobs.append(job_from_posting(path.stem, posting, with_location=with_location))
        raw_jobs[path.stem] = _raw(posting if with_location else without_location(posting))
    for path in sorted((folder / "candidates").glob("*.json")):
        resume = json.loads(path.read_text(encoding="utf-8"))
        if not with_location:
            resume.get("basics", {}).pop("location", None)
        cands.append(candidate_from_resume(path.stem, resume, with_location=with_location))
        raw_cands[path.stem] = _raw(resume if with_location else without_location(resume))
    qrels = {
        name: folder / file
        for name, file in (("self", "qrels.tsv"), ("graded", "qrels_graded.tsv"))
        if (folder / file).is_file()
    }
    return EvalSet(folder.name, jobs, cands, raw_jobs, raw_cands, qrels)


def load_ranking_set(folder: Path, *, with_location: bool = True) -> EvalSet:
    """jsonresume_ranking_eval: one resume against a corpus of postings (candidate direction)."""
    resume = json.loads((folder / "candidate_resume.json").read_text(encoding="utf-8"))
    if not with_location:
        resume.get("basics", {}).pop("location", None)
    corpus = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))["jobs"]
    jobs = [job_from_posting(str(p["id"]), p, with_location=with_location) for p in corpus]
    raw_jobs = {
        str(p["id"]): _raw({k: p[k] for k in ("title", "description", "skills")}) for p in corpus
    }
    candidate = candidate_from_resume("candidate", resume, with_location=with_location)
    return EvalSet(
        folder.name,
        jobs,
        [candidate],
        raw_jobs,
        {"candidate": _raw(resume if with_location else without_location(resume))},
        {"best": folder / "qrels_3col.tsv"},
        directions=("candidate",),
    )


def embed_set(data: EvalSet, embedder: Embedder) -> EvalSet:
    """Embed jobs, profiles and experience entries (one batch call per kind of unit)."""
    job_vecs = embedder.embed([j.text for j in data.jobs])
    jobs = [
        replace(j, embedding=tuple(v), embedding_model=embedder.model_id)
        for j, v in zip(data.jobs, job_vecs, strict=True)
    ]
    profile_vecs = embedder.embed([c.profile_text or c.extra_text for c in data.candidates])
    exp_texts = [e.text for c in data.candidates for e in c.experiences]
    exp_vecs = iter(embedder.embed(exp_texts))
    cands = []
    for c, v in zip(data.candidates, profile_vecs, strict=True):
        exps = tuple(replace(e, embedding=tuple(next(exp_vecs))) for e in c.experiences)
        cands.append(
            replace(c, embedding=tuple(v), experiences=exps, embedding_model=embedder.model_id)
        )
    return replace(data, jobs=jobs, candidates=cands)


class BM25:
    """Okapi BM25 over raw texts: the keyword-count baseline."""

    def __init__(self, docs: dict[str, str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf = {d: Counter(terms(text)) for d, text in docs.items()}
        self.len = {d: sum(c.values()) for d, c in self.tf.items()}
        self.avg = sum(self.len.values()) / max(len(self.len), 1)
        df: Counter[str] = Counter(t for c in self.tf.values() for t in c)
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def score(self, query: str, doc: str) -> float:
        tf, length = self.tf[doc], self.len[doc]
        total = 0.0
        for term in set(terms(query)):
            f = tf.get(term, 0)
            if f:
                norm = self.k1 * (1 - self.b + self.b * length / self.avg)
                total += self.idf[term] * f * (self.k1 + 1) / (f + norm)
        return total


def rank(data: EvalSet, weights: dict[str, float] | None = None) -> dict[tuple[str, str], Run]:
    """{(direction, ranker): run}."""
    stats = TermStats.build(data.candidates, data.jobs)
    bm25_cands = BM25(data.raw_candidates)
    bm25_jobs = BM25(data.raw_jobs)
    pair_scores: dict[str, Callable[[JobFacts, CandidateFacts], float]] = {
        "hybrid": lambda j, c: score_match(j, c, weights=weights, stats=stats).score,
        "embedding": lambda j, c: semantic_component(j, c)[0],
    }
    runs: dict[tuple[str, str], Run] = {}
    for job in data.jobs:
        for cand in data.candidates:
            if not passes_filters(job, cand)[0]:
                continue
            for ranker, fn in pair_scores.items():
                value = fn(job, cand)
                runs.setdefault(("job", ranker), []).append((job.id, cand.id, value))
                runs.setdefault(("candidate", ranker), []).append((cand.id, job.id, value))
            runs.setdefault(("job", "bm25"), []).append(
                (job.id, cand.id, bm25_cands.score(data.raw_jobs[job.id], cand.id))
            )
            runs.setdefault(("candidate", "bm25"), []).append(
                (cand.id, job.id, bm25_jobs.score(data.raw_candidates[cand.id], job.id))
            )
    return {key: run for key, run in runs.items() if key[0] in data.directions}


def write_run(path: Path, run: Iterable[tuple[str, str, float]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for q, d, s in run:
            f.write(f"{q}\t{d}\t{s:.6f}\n")


def write_rankings(path: Path, runs: dict[tuple[str, str], Run]) -> None:
    """direction, ranker, query_id, doc_id, rank, score (for independent re-scoring)."""
    with path.open("w", encoding="utf-8") as f:
        f.write("direction\tranker\tquery_id\tdoc_id\trank\tscore\n")
        for (direction, ranker), run in sorted(runs.items()):
            by_query: dict[str, list[tuple[float, str]]] = {}
            for q, d, s in run:
                by_query.setdefault(q, []).append((s, d))
            for q, rows in sorted(by_query.items()):
                for i, (s, d) in enumerate(sorted(rows, key=lambda r: (-r[0], r[1])), 1):
                    f.write(f"{direction}\t{ranker}\t{q}\t{d}\t{i}\t{s:.6f}\n")


def load_scorer(path: Path) -> Callable[[list[str]], dict[str, float]]:
    spec = importlib.util.spec_from_file_location("score_matching", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def score(argv: list[str]) -> dict[str, float]:
        with contextlib.redirect_stdout(io.StringIO()):
            return module.main(argv)

    return score


def evaluate(
    data: EvalSet, runs: dict[tuple[str, str], Run], scorer_path: Path, out_dir: Path
) -> dict[tuple[str, str, str], dict[str, float]]:
    """{(label set, direction, ranker): metrics} scored by the shared scorer."""
    scorer = load_scorer(scorer_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    for (direction, ranker), run in sorted(runs.items()):
        run_path = out_dir / f"{data.name}.{direction}.{ranker}.tsv"
        write_run(run_path, run)
        for label, qrels in data.qrels.items():
            argv = ["--qrels", str(qrels), "--run", str(run_path)]
            # The qrels are job -> candidate, except the ranking set's (candidate -> job).
            if direction == "candidate" and data.directions != ("candidate",):
                argv.append("--reverse")
            results[(label, direction, ranker)] = scorer(argv)
    return results
