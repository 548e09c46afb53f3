"""A request's id crosses into the tasks it enqueues: the worker's JSON lines carry both ids."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.logging import request_id_var, task_id_var
from config.observability.celery import add_request_id_header, enter_task, leave_task
from resumes.tests import documents

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def json_lines(text: str) -> list[dict]:
    """The worker's log: JSON records, among the banner Celery prints as plain text."""
    entries = []
    for line in text.splitlines():
        if line.startswith("{"):
            entries.append(json.loads(line))
    return entries


def received_task_ids(entries: list[dict], task: str) -> list[str]:
    """Ids from Celery's own "Task <name>[<id>] received" lines (the worker's main process)."""
    pattern = re.compile(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received")
    return [m.group(1) for e in entries if (m := pattern.search(e["message"]))]


def test_the_worker_logs_a_tasks_lines_with_its_requests_id_and_its_task_id(
    celery_worker_factory, api_as, candidate
):
    worker = celery_worker_factory(queues="parsing")  # extraction and parsing, not matching
    response = api_as(candidate).post(
        "/api/v1/resumes/",
        {"file": SimpleUploadedFile("carol.pdf", documents.sample_pdf())},
        format="multipart",
        HTTP_X_REQUEST_ID="req-upload-42",
    )
    assert response.status_code == 202
    assert response["X-Request-ID"] == "req-upload-42"

    def finished(task: str) -> list[dict]:
        return [
            e
            for e in json_lines(worker.log())
            if e["logger"] == "talentmatch.task" and e.get("task") == task
        ]

    # Extraction enqueues parsing from inside the worker: the id carries on down the chain.
    for task in ("resumes.tasks.extract_resume", "resumes.tasks.parse_resume"):
        [line] = worker.wait_for(lambda task=task: finished(task), timeout=90)
        assert line["request_id"] == "req-upload-42"
        assert line["state"] == "SUCCESS"
        assert line["level"] == "INFO"
        assert line["task_id"] in received_task_ids(json_lines(worker.log()), task)
    # The worker's own lines outside any task carry neither id.
    ready = [e for e in json_lines(worker.log()) if e["message"].endswith("ready.")]
    assert ready and ready[0]["request_id"] == "-" and "task_id" not in ready[0]


class FakeTask:
    """The two attributes the receivers read from a Celery task (no worker in this test)."""

    name = "probe.task"

    def __init__(self, request_id: str | None) -> None:
        self.request = type("Request", (), {"request_id": request_id})() if request_id else None


def test_a_task_published_outside_a_request_carries_no_request_id_header():
    headers: dict = {}
    add_request_id_header(headers=headers)
    assert headers == {}
    token = request_id_var.set("abc")
    try:
        add_request_id_header(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {"request_id": "abc"}


def test_task_ids_are_set_for_the_run_and_reset_after():
    enter_task(task_id="t-1", task=FakeTask("r-1"))
    assert (request_id_var.get(), task_id_var.get()) == ("r-1", "t-1")
    leave_task(task_id="t-1", task=FakeTask("r-1"), state="SUCCESS")
    assert (request_id_var.get(), task_id_var.get()) == ("-", "-")
