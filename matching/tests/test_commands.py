"""`manage.py recompute_matches` and `manage.py reembed` on the real database and model."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jobs.models import Job
from matching import services, tasks
from matching.models import Match, ProfileVectors
from resumes.models import CandidateProfile

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_recompute_one_job_one_candidate_or_every_open_job(people, job, acme) -> None:
    out, _ = run("recompute_matches", "--job", str(job.pk))
    assert out == f"job {job.pk}: 2 matches\n" and Match.objects.filter(job=job).count() == 2
    pia = people["pia"]
    out, _ = run("recompute_matches", "--candidate", str(pia.user_id))
    assert out == f"candidate {pia.user_id}: 1 matches\n"
    Job.objects.create(company=acme, title="Draft", status=Job.Status.DRAFT)
    Match.objects.all().delete()
    out, err = run("recompute_matches", "--all")
    assert out.startswith("1 open jobs re-ranked, 2 matches in ")
    assert "recompute: 100%" in err and "1/1" in err  # the progress bar, on stderr
    assert Match.objects.filter(job=job).count() == 2


def test_recompute_refuses_unknown_ids_and_a_missing_choice(job) -> None:
    with pytest.raises(CommandError, match="no job 999999"):
        run("recompute_matches", "--job", "999999")
    with pytest.raises(CommandError, match="no candidate profile for user 999999"):
        run("recompute_matches", "--candidate", "999999")
    with pytest.raises(CommandError, match="one of the arguments --job --candidate --all"):
        run("recompute_matches")


def made_by_another_model(profile: CandidateProfile, job: Job) -> None:
    """As if these vectors came from the model configured before: the columns and the texts'
    digest (which names the model) of another."""
    CandidateProfile.objects.filter(pk=profile.pk).update(embedding_model="old-model")
    ProfileVectors.objects.filter(profile=profile).update(model_id="old-model", texts_hash="x")
    Job.objects.filter(pk=job.pk).update(embedding_model="old-model")


def test_reembed_brings_vectors_of_another_model_to_the_configured_one(people, job) -> None:
    pia = people["pia"]
    model = pia.embedding_model
    made_by_another_model(pia, job)
    out, _ = run("reembed")
    pia.refresh_from_db()
    job.refresh_from_db()
    assert pia.embedding_model == job.embedding_model == model
    assert ProfileVectors.objects.get(profile=pia).model_id == model
    assert "recompute_matches --all" in out


def test_beat_embeds_another_models_vectors_again_a_batch_at_a_time(
    people, job, django_capture_on_commit_callbacks
) -> None:
    pia, chef = people["pia"], people["chef"]
    model = pia.embedding_model
    made_by_another_model(pia, job)
    made_by_another_model(chef, job)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.reembed_stale(batch=1) == {"profiles": 1, "jobs": 1}
    assert len(callbacks) == 2  # each re-embedded side's re-rank requested
    pia.refresh_from_db()
    chef.refresh_from_db()
    assert (pia.embedding_model, chef.embedding_model) == (model, "old-model")  # lowest id first
    assert tasks.reembed_stale.apply().get() == {"profiles": 1, "jobs": 0}
    assert services.reembed_stale() == {"profiles": 0, "jobs": 0}
    chef.refresh_from_db()
    assert chef.embedding_model == model
    for kind, pk in (("job", job.pk), ("candidate", pia.user_id), ("candidate", chef.user_id)):
        services.clear_pending(kind, pk)
