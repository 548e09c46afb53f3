"""Exports: only the company's rows, in CSV and Parquet, from the portal and the command."""

from __future__ import annotations

import csv
import io

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.urls import reverse

from analytics.models import Event
from analytics.tests.dashboard_history import build_history

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def history(acme, globex, recruiter, teammate, other_recruiter):
    return build_history(
        acme=acme, globex=globex, alice=recruiter, bob=teammate, charlie=other_recruiter
    )


def _download(client, dataset: str, fmt: str, params: dict) -> bytes:
    response = client.get(reverse("analytics:export", args=[dataset, fmt]), params)
    assert response.status_code == 200, response.status_code
    assert response.streaming
    return b"".join(response.streaming_content)


def test_applications_csv_holds_the_companys_applications_of_the_period(client, history):
    client.force_login(history.alice)
    rows = list(
        csv.DictReader(io.StringIO(_download(client, "applications", "csv", MARCH).decode()))
    )
    assert sorted(r["candidate_name"] for r in rows) == ["A1", "A2", "A3", "A4", "A5", "B1"]
    a1 = next(r for r in rows if r["candidate_name"] == "A1")
    assert (a1["stage"], a1["stage_kind"], a1["job_title"], a1["match_score"]) == (
        "hired", "hired", "Backend", "0.95",
    )  # fmt: skip
    assert a1["created_at"] == "2026-03-01T10:00:00+00:00"
    assert "rival@example.test" not in {r["candidate_email"] for r in rows}


def test_stage_history_parquet_holds_every_change_in_order(client, history):
    client.force_login(history.alice)
    table = pq.read_table(io.BytesIO(_download(client, "stage_history", "parquet", MARCH)))
    assert table.num_rows == 6 + 4 + 3 + 2 + 4 + 1  # one "applied" row each, then the moves
    a1 = str(history.apps["A1"].pk)
    steps = [r["to_stage"] for r in table.to_pylist() if r["application_id"] == a1]
    assert steps == ["applied", "screening", "interview", "offer", "hired"]
    assert set(table.column("by_email").to_pylist()) >= {"alice@acme.test", "bob@acme.test"}
    assert "charlie@globex.test" not in table.column("by_email").to_pylist()


def test_funnel_export_of_one_job(client, history):
    client.force_login(history.bob)
    params = MARCH | {"job": history.designer.pk}
    rows = list(csv.DictReader(io.StringIO(_download(client, "funnel", "csv", params).decode())))
    assert {r["stage"]: r["reached"] for r in rows}["applied"] == "1"


def test_an_export_is_recorded_as_an_event(client, history):
    client.force_login(history.alice)
    _download(client, "funnel", "parquet", MARCH)
    event = Event.objects.get(kind="analytics.exported")
    assert (event.actor, event.company, event.payload["dataset"]) == (
        history.alice, history.acme, "funnel",
    )  # fmt: skip


def test_it_rejects_other_company_recruiter(client, history, other_recruiter):
    client.force_login(other_recruiter)
    url = reverse("analytics:export", args=["applications", "csv"])
    assert client.get(url, MARCH | {"job": history.backend.pk}).status_code == 404
    body = b"".join(client.get(url, MARCH).streaming_content).decode()
    assert "rival@example.test" in body and "A1" not in body


def test_an_unknown_dataset_or_format_is_a_404(client, recruiter):
    client.force_login(recruiter)
    assert client.get(reverse("analytics:export", args=["users", "csv"])).status_code == 404
    assert client.get(reverse("analytics:export", args=["funnel", "xlsx"])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_command_writes_the_three_files(history, tmp_path, fmt):
    call_command(
        "export_analytics", "--company", str(history.acme.pk), "--format", fmt,
        "--out", str(tmp_path), "--start", "2026-03-01", "--end", "2026-03-31",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"{n}-20260301-20260331.{fmt}" for n in
                           ("applications", "stage_history", "funnel"))  # fmt: skip
    path = tmp_path / f"applications-20260301-20260331.{fmt}"
    count = pq.read_table(path).num_rows if fmt == "parquet" else len(
        path.read_text().splitlines()) - 1  # fmt: skip
    assert count == 6


def test_the_command_refuses_an_unknown_company(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("export_analytics", "--company", "999999", "--out", str(tmp_path))
