"""`evaluate_matching` on a slice of the shared development set (real model, shared scorer)."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jobs.models import Job
from matching.evaluation import load_matching_set, without_location
from matching.jsonresume import candidate_from_resume, years_worked
from matching.management.commands.evaluate_matching import Command as EvaluateCommand
from resumes.models import CandidateProfile

DEV = Path("/work/shared/eval/matching-dev")
PAIRS = [("j002", "c009"), ("j005", "c007"), ("j007", "c003")]

pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason="shared evaluation data not mounted")


@pytest.fixture
def small_set(tmp_path: Path) -> Path:
    folder = tmp_path / "matching-small"
    (folder / "jobs").mkdir(parents=True)
    (folder / "candidates").mkdir()
    for job, cand in PAIRS:
        shutil.copy(DEV / "jobs" / f"{job}.json", folder / "jobs")
        shutil.copy(DEV / "candidates" / f"{cand}.json", folder / "candidates")
    (folder / "qrels.tsv").write_text(
        "job_id\tcandidate_id\tgrade\n" + "".join(f"{j}\t{c}\t1\n" for j, c in PAIRS)
    )
    shutil.copy(DEV.parent / "score_matching.py", tmp_path / "score_matching.py")
    return folder


def test_it_prints_all_rankers_both_directions_and_writes_rankings(
    small_set: Path, tmp_path: Path, local_embedder
) -> None:
    out = StringIO()
    rankings = tmp_path / "rankings.tsv"
    call_command(
        "evaluate_matching", str(small_set), "--in-memory", "--no-location",
        "--rankings", str(rankings),
        "--out-dir", str(tmp_path / "runs"), stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "location withheld" in text
    for direction in ("job", "candidate"):
        assert f"labels self, direction {direction}" in text
    for ranker in ("hybrid ", "bm25 ", "embedding ", "hybrid/bm25", "hybrid/embedding"):
        assert ranker in text
    lines = rankings.read_text().splitlines()
    assert lines[0] == "direction\tranker\tquery_id\tdoc_id\trank\tscore"
    # 3 x 3 pairs, 3 rankers, 2 directions
    assert len(lines) == 1 + 9 * 3 * 2
    rows = [line.split("\t") for line in lines[1:]]
    assert {r[0] for r in rows} == {"job", "candidate"}
    rankers = {f"matching-small-in-memory:{n}" for n in ("hybrid", "bm25", "embedding")}
    assert {r[1] for r in rows} == rankers


def test_the_quality_check_fails_when_a_recorded_figure_drops_or_goes_missing() -> None:
    command = EvaluateCommand(stdout=StringIO())
    ran = {("dev", "no-location")}
    now = {"dev|no-location|self|job": {"MRR": 0.95, "nDCG@10": 0.97}}
    # The other mode's and other sets' figures are for the runs that measure them.
    others = {"dev|location|self|job": {"MRR": 1.0}, "other|no-location|self|job": {"MRR": 1.0}}
    recorded = {"dev|no-location|self|job": {"MRR": 0.955, "nDCG@10": 0.97}, **others}
    command._check(now, recorded, ran)
    with pytest.raises(CommandError, match=r"MRR: 0\.9500 < recorded 0\.9700"):
        command._check(now, {"dev|no-location|self|job": {"MRR": 0.97}}, ran)
    with pytest.raises(CommandError, match=r"dev\|no-location\|graded\|job: recorded, not"):
        command._check(now, {"dev|no-location|graded|job": {"MRR": 0.9}}, ran)


def test_location_is_withheld_from_both_sides() -> None:
    data = load_matching_set(DEV, with_location=False)
    assert all(not j.city and not j.country for j in data.jobs)
    assert all(not c.city and not c.country for c in data.candidates)
    assert all(j.workplace == "remote" for j in data.jobs)
    # Nor in the baseline's raw text: c004's last role was in Australia (its work entry's
    # location), which its resume says nowhere else.
    shown = load_matching_set(DEV)
    assert "Australia" in shown.raw_candidates["c004"]
    assert "Australia" not in data.raw_candidates["c004"]
    nested = {"work": [{"name": "Shop", "location": "Lisbon"}], "remote": "Full", "title": "Dev"}
    assert without_location(nested) == {"work": [{"name": "Shop"}], "title": "Dev"}


def test_resume_adapter_reads_skills_with_their_evidence_lines() -> None:
    resume = {
        "basics": {"label": "Backend Developer", "summary": "I build APIs."},
        "work": [
            {"position": "Developer", "name": "Shop", "startDate": "2019-01", "endDate": "2021-01",
             "highlights": ["Built the checkout in Django and PostgreSQL"]},
            {"position": "Intern", "name": "Lab", "startDate": "2018-01", "endDate": "2019-01"},
        ],
        "skills": [{"name": "Languages", "keywords": ["Python", "JS"]}],
    }  # fmt: skip
    facts = candidate_from_resume("c", resume)
    assert {"python", "javascript", "django", "postgresql"} <= facts.skills
    assert facts.skill_evidence["django"] == "- Built the checkout in Django and PostgreSQL"
    assert facts.years_of_experience == pytest.approx(3.0, abs=0.05)
    assert years_worked([]) is None


@pytest.mark.django_db(transaction=True)
def test_the_set_loads_through_the_users_import_code(small_set: Path, local_embedder) -> None:
    from matching.evaluation_import import load_through_import

    data = load_through_import(small_set, with_location=False)
    assert data.name == "matching-small"
    assert [j.id for j in data.jobs] == ["j002", "j005", "j007"]
    assert [c.id for c in data.candidates] == ["c003", "c007", "c009"]
    # The jobs were analysed as users' are, and the suggestions accepted.
    assert all(j.required_skills for j in data.jobs)
    assert all(j.workplace == "remote" and not j.country for j in data.jobs)
    assert all(not c.city and not c.country for c in data.candidates)
    assert all(c.experiences for c in data.candidates)
    profiles = CandidateProfile.objects.filter(user__email__endswith="@evaluation.invalid")
    assert profiles.count() == 3  # what the command's throwaway database holds


@pytest.mark.django_db(transaction=True)
def test_the_command_imports_into_a_throwaway_database(
    small_set: Path, tmp_path: Path, local_embedder
) -> None:
    out = StringIO()
    call_command(
        "evaluate_matching", str(small_set), "--no-location",
        "--out-dir", str(tmp_path / "runs"), stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "== matching-small: 3 jobs x 3 candidates, location withheld" in text
    assert "labels self, direction job" in text and "hybrid/bm25" in text
    assert "recall@10" in text
    assert not Job.objects.exists()  # the test's own database: untouched
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = 'talentmatch_eval_matching'")
        assert cursor.fetchone() is None  # dropped
