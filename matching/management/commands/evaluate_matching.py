"""Measure the matching engine on an evaluation folder: hybrid vs BM25 vs embedding only."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.bench import throwaway_database
from matching.embeddings import get_embedder
from matching.evaluation import (
    EvalSet,
    embed_set,
    evaluate,
    load_matching_set,
    load_ranking_set,
    rank,
    write_rankings,
)
from matching.evaluation_import import load_through_import

METRICS = ("recall@1", "recall@5", "recall@10", "MRR", "nDCG@10")
TOLERANCE = 0.01


class Command(BaseCommand):
    help = "Rank a folder of JSON Resume candidates and postings; print recall@k, MRR, nDCG@10."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", nargs="?", help="evaluation folder (jobs/, candidates/)")
        parser.add_argument("--set", dest="set_folder", help="same as the positional folder")
        parser.add_argument("--no-location", action="store_true", help="withhold locations")
        parser.add_argument("--rankings", help="also write every ranking to this TSV file")
        parser.add_argument(
            "--in-memory",
            action="store_true",
            help="read jobs/ and candidates/ with the evaluation's own reader, without a "
            "database (the set is named <folder>-in-memory); by default they are imported "
            "through the users' import code into a throwaway database",
        )
        parser.add_argument(
            "--check", help="fail when a hybrid MRR or nDCG@10 falls > 0.01 below this JSON"
        )
        parser.add_argument("--record", help="write the hybrid's figures to this JSON file")
        parser.add_argument("--scorer", help="score_matching.py (default: next to the folder)")
        parser.add_argument(
            "--out-dir", default=str(Path(settings.VAR_DIR) / "eval" / "matching"),
            help="where the run files go",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"] or options["set_folder"] or "")
        if not (folder / "jobs").is_dir() and not (folder / "corpus.json").is_file():
            raise CommandError(f"{folder} holds neither jobs/ + candidates/ nor corpus.json")
        scorer = Path(options["scorer"] or self._find_scorer(folder))
        with_location = not options["no_location"]
        sets: list[EvalSet] = []
        if (folder / "jobs").is_dir() and options["in_memory"]:
            data = load_matching_set(folder, with_location=with_location)
            sets.append(replace(data, name=f"{data.name}-in-memory"))
        elif (folder / "jobs").is_dir():
            # Never the live data: a database of its own, dropped after the import.
            with throwaway_database("talentmatch_eval_matching"):
                sets.append(load_through_import(folder, with_location=with_location))
        ranking = folder / "jsonresume_ranking_eval"
        if (folder / "corpus.json").is_file():
            ranking = folder
        if (ranking / "corpus.json").is_file():
            sets.append(load_ranking_set(ranking, with_location=with_location))
        embedder = get_embedder()
        out_dir = Path(options["out_dir"])
        all_runs = {}
        figures: dict[str, dict[str, float]] = {}
        for data in sets:
            started = time.monotonic()
            data = embed_set(data, embedder)
            runs = rank(data, weights=settings.MATCH_WEIGHTS)
            results = evaluate(data, runs, scorer, out_dir)
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"\n== {data.name}: {len(data.jobs)} jobs x {len(data.candidates)} candidates, "
                f"location {'used' if with_location else 'withheld'}, "
                f"embeddings {embedder.model_id}, {elapsed:.1f} s"
            )
            self._print(results)
            all_runs.update({(d, f"{data.name}:{r}"): run for (d, r), run in runs.items()})
            mode = "location" if with_location else "no-location"
            for (label, direction, ranker), metrics in results.items():
                if ranker == "hybrid":
                    key = f"{data.name}|{mode}|{label}|{direction}"
                    figures[key] = {m: round(metrics[m], 4) for m in ("MRR", "nDCG@10")}
        if options["rankings"]:
            write_rankings(Path(options["rankings"]), all_runs)
            self.stdout.write(f"\nrankings written to {options['rankings']}")
        self.stdout.write(f"run files in {out_dir}")
        if options["record"]:
            # Merged into the file: one run per location mode fills one file.
            path = Path(options["record"])
            stored = json.loads(path.read_text()) if path.is_file() else {}
            path.write_text(json.dumps(stored | figures, indent=2, sort_keys=True) + "\n")
        if options["check"]:
            ran = {(data.name, "location" if with_location else "no-location") for data in sets}
            self._check(figures, json.loads(Path(options["check"]).read_text()), ran)

    def _check(
        self,
        figures: dict[str, dict[str, float]],
        recorded: dict[str, Any],
        ran: set[tuple[str, str]],
    ) -> None:
        """The quality ratchet: no recorded hybrid figure of the sets and location mode that
        ran may drop by more than 0.01, nor go missing."""
        mine = {
            key: metrics for key, metrics in recorded.items() if tuple(key.split("|")[:2]) in ran
        }
        missing = sorted(set(mine) - set(figures))
        drops = [
            f"{key} {metric}: {figures[key][metric]:.4f} < recorded {value:.4f} - {TOLERANCE}"
            for key, metrics in mine.items()
            if key in figures
            for metric, value in metrics.items()
            if figures[key][metric] < value - TOLERANCE
        ]
        if missing or drops:
            lines = [*(f"{key}: recorded, not measured" for key in missing), *drops]
            raise CommandError("match quality fell:\n" + "\n".join(lines))
        self.stdout.write(f"quality check passed ({len(mine)} recorded figures)")

    def _find_scorer(self, folder: Path) -> Path:
        for parent in (folder, *folder.resolve().parents):
            if (parent / "score_matching.py").is_file():
                return parent / "score_matching.py"
        raise CommandError("score_matching.py not found; pass --scorer")

    def _print(self, results: dict[tuple[str, str, str], dict[str, float]]) -> None:
        groups = sorted({(label, direction) for label, direction, _ in results})
        for label, direction in groups:
            self.stdout.write(f"-- labels {label}, direction {direction} (query = {direction})")
            header = f"   {'ranker':<17}" + "".join(f"{m:>10}" for m in METRICS)
            self.stdout.write(header)
            base = results.get((label, direction, "bm25"), {})
            sem = results.get((label, direction, "embedding"), {})
            for ranker in ("hybrid", "bm25", "embedding"):
                row = results.get((label, direction, ranker))
                if row:
                    cells = "".join(f"{row.get(m, 0):>10.4f}" for m in METRICS)
                    self.stdout.write(f"   {ranker:<17}{cells}")
            ours = results.get((label, direction, "hybrid"), {})
            for name, other in (("/bm25", base), ("/embedding", sem)):
                cells = "".join(
                    f"{ours.get(m, 0) / other[m]:>10.2f}" if other.get(m) else f"{'-':>10}"
                    for m in METRICS
                )
                self.stdout.write(f"   {'hybrid' + name:<17}{cells}")
