"""The periodic sweep gives every notification cause whose task was lost (stage changes,
@mentions, new scorecards) to its task again, once, and never makes a message twice: first the
sweep function on real rows, then end to end with a real Celery worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from applications import notifications, services, tasks
from applications.models import Message, Note, Notification, Scorecard, StageChange
from applications.tests.factories import make_application, stage
from jobs.tests.factories import make_job


def age(*models, minutes: int = 20) -> None:
    """The broker lost the tasks and `minutes` went by."""
    for model in models:
        model.objects.update(created_at=timezone.now() - timedelta(minutes=minutes))


def review(application, job, recruiter, teammate) -> tuple[Note, Scorecard]:
    """Alice mentions Bob in a note; Bob submits a scorecard (Alice hears of it)."""
    note = services.add_note(application=application, author=recruiter, body="@bob have a look")
    card = services.submit_scorecard(
        application=application,
        author=teammate,
        stage=stage(job, "interview"),
        ratings={"Communication": 4},
    )
    return note, card


def enqueued(callbacks) -> list[tuple[str, tuple]]:
    """The tasks and arguments a block enqueued on commit (`delay_on_commit` partials)."""
    return [(callback.func.__self__.name, callback.args) for callback in callbacks]


@pytest.mark.django_db
def test_the_sweep_requeues_lost_mentions_and_scorecards_once(
    application, job, recruiter, teammate, django_capture_on_commit_callbacks
):
    # Under the test transaction the after-commit enqueues never run: the tasks are lost.
    note, card = review(application, job, recruiter, teammate)
    StageChange.objects.update(notified_at=timezone.now())  # the application's own, done
    age(Note, Scorecard, StageChange)

    # The sweep enqueues on commit too: this test's transaction, rolled back, publishes nothing.
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.requeue_stuck()
    assert (result.notifications, result.mentions, result.scorecards) == (0, 1, 1)
    change = StageChange.objects.get()  # its webhooks were never dispatched either
    assert enqueued(callbacks) == [
        ("applications.tasks.notify_mentions", (note.pk,)),
        ("applications.tasks.notify_scorecard", (card.pk,)),
        ("applications.tasks.dispatch_webhooks", (change.event, "stage_change", change.pk)),
    ]

    # The requeued tasks run (as the worker would) and leave their rows.
    assert tasks.notify_mentions.apply(args=[note.pk]).get() == 1  # Bob's email
    assert tasks.notify_scorecard.apply(args=[card.pk]).get() == 1  # Alice's email
    assert Notification.objects.get(source=f"note:{note.pk}").recipient == teammate
    assert Notification.objects.get(source=f"scorecard:{card.pk}").recipient == recruiter

    # The next sweep finds them done; the queued messages themselves are swept as such.
    age(Message)
    result = services.requeue_stuck()
    assert (result.mentions, result.scorecards, result.messages) == (0, 0, 2)

    # A late duplicate of either task makes no second message (never-twice keys).
    tasks.notify_mentions.apply(args=[note.pk])
    tasks.notify_scorecard.apply(args=[card.pk])
    assert sorted(Message.objects.values_list("key", flat=True)) == sorted(
        [f"note:{note.pk}:email:{teammate.pk}", f"scorecard:{card.pk}:email:{recruiter.pk}"]
    )


@pytest.mark.django_db
def test_a_cause_with_only_some_channels_left_counts_as_done(application, job, recruiter, teammate):
    """Bob wants mentions by email only: the message alone is the trace."""
    notifications.set_preferences(user=teammate, changes={"mention": {"in_app": False}})
    note, _ = review(application, job, recruiter, teammate)
    notifications.notify_mentions(note_id=note.pk)
    assert not Notification.objects.filter(source=f"note:{note.pk}").exists()
    age(Note, Scorecard)
    assert services.requeue_stuck().mentions == 0


@pytest.mark.django_db
def test_causes_with_nobody_to_tell_are_done_once_their_task_ran(
    acme, candidate, recruiter, teammate
):
    job = make_job(acme, title="Quiet job")
    job.hiring_team.set([teammate])  # Bob alone hires: his own scorecard tells no one
    application = make_application(company=acme, candidate=candidate, job=job)
    notifications.set_preferences(
        user=teammate, changes={"mention": {"in_app": False, "email": False}}
    )  # and Bob switched mentions off (SMS is off without consent)
    note, card = review(application, job, recruiter, teammate)
    age(Note, Scorecard)
    result = services.requeue_stuck()
    assert (result.mentions, result.scorecards) == (1, 1)  # their tasks were lost
    # The tasks run, tell nobody, and mark their causes: not sent round every five minutes.
    assert tasks.notify_mentions.apply(args=[note.pk]).get() == 0
    assert tasks.notify_scorecard.apply(args=[card.pk]).get() == 0
    assert not Notification.objects.filter(source__in=[f"note:{note.pk}", f"scorecard:{card.pk}"])
    assert not Message.objects.exists()
    result = services.requeue_stuck()
    assert (result.mentions, result.scorecards) == (0, 0)


@pytest.mark.django_db
def test_causes_outside_the_window_are_left_alone(application, job, recruiter, teammate):
    review(application, job, recruiter, teammate)
    age(Note, Scorecard, minutes=5)  # the task may still be on its way
    assert (services.requeue_stuck().mentions, services.requeue_stuck().scorecards) == (0, 0)
    age(Note, Scorecard, minutes=3 * 24 * 60)  # beyond the sweep's two days
    assert (services.requeue_stuck().mentions, services.requeue_stuck().scorecards) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_what_the_sweep_requeued_and_nothing_twice(
    celery_worker_factory, tmp_path, acme, candidate, recruiter, teammate
):
    job = make_job(acme, title="Robot Whisperer")
    application = make_application(company=acme, candidate=candidate, job=job)
    # Rows as the services write them, without their tasks: the broker lost those messages.
    note = Note.objects.create(application=application, author=recruiter, body="@bob look")
    note.mentions.set([teammate])
    Scorecard.objects.create(
        application=application,
        author=teammate,
        stage=stage(job, "interview"),
        ratings={"Communication": 4},
    )
    age(Note, Scorecard)
    mail_dir = tmp_path / "mail"
    worker = celery_worker_factory(
        env={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        }
    )
    result = services.requeue_stuck()
    assert (result.mentions, result.scorecards) == (1, 1)
    mention = {"kind": "mention", "status": "sent"}
    scorecard = {"kind": "scorecard_submitted", "status": "sent"}
    worker.wait_for(
        lambda: (
            Message.objects.filter(**mention, recipient=teammate).exists()
            and Message.objects.filter(**scorecard, recipient=recruiter).exists()
        )
    )
    # Swept again (twice, as beat would): nothing is lost any more, nothing is sent again.
    assert services.requeue_stuck().mentions == services.requeue_stuck().scorecards == 0
    late = tasks.notify_mentions.delay(note.pk)  # and a late duplicate of the task itself
    ran = f"Task applications.tasks.notify_mentions[{late.id}] succeeded"
    worker.wait_for(lambda: ran in worker.log())
    assert Message.objects.filter(kind__in=["mention", "scorecard_submitted"]).count() == 2
    texts = [f.read_text() for f in mail_dir.iterdir()]  # with the new-application emails
    mentions = [t for t in texts if "Alice mentioned you (Robot Whisperer)" in t]
    scorecards = [t for t in texts if "Bob scored Carol (Interview, Robot Whisperer)" in t]
    assert len(mentions) == len(scorecards) == 1
    assert "bob@acme.test" in mentions[0] and "alice@acme.test" in scorecards[0]
