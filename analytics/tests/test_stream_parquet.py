"""The default event stream: recorded events reach the Parquet lake once, in order."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pyarrow.parquet as pq
import pytest
from django.db import connection, transaction

from analytics import lake as lake_module
from analytics.models import StreamCursor
from analytics.services import publish_pending_events, record_event
from analytics.tests.conftest import lake_event_ids, lake_files, publish_all


def test_recorded_events_reach_the_lake_and_duckdb_reads_them(
    transactional_db, acme, recruiter, lake
):
    first = record_event(kind="job.published", actor=recruiter, company=acme, subject=acme)
    second = record_event(
        kind="invitation.sent", actor=recruiter, company=acme, payload={"email": "x@acme.test"}
    )

    assert publish_all() == 2

    db = lake_module.connect_lake(lake.parent)
    rows = db.execute(
        "SELECT event_id, schema_version, kind, actor_id, company_id, subject_type, subject_id,"
        " payload, occurred_at, dt FROM events ORDER BY event_id"
    ).fetchall()
    assert [r[:7] for r in rows] == [
        (first.pk, 1, "job.published", recruiter.pk, acme.pk, "accounts.company", str(acme.pk)),
        (second.pk, 1, "invitation.sent", recruiter.pk, acme.pk, "", ""),
    ]
    assert json.loads(rows[1][7]) == {"email": "x@acme.test"}
    first.refresh_from_db()
    assert rows[0][8] == first.created_at
    assert rows[0][9] == first.created_at.astimezone(dt.UTC).date()


def test_lake_files_have_the_documented_schema_for_pyarrow(make_events, lake):
    make_events(3)
    publish_all()

    (path,) = lake_files(lake)
    assert pq.read_schema(path).remove_metadata() == lake_module.EVENT_SCHEMA
    assert path.parent.name == f"dt={dt.datetime.now(dt.UTC).date().isoformat()}"


def test_batches_are_files_named_by_their_first_and_last_event_id(make_events, lake):
    ids = make_events(10)

    result = publish_pending_events(batch_size=4)

    assert (result.events, result.batches) == (10, 3)
    names = [f.name for f in lake_files(lake)]
    assert names == [
        f"events-{ids[0]:012d}-{ids[3]:012d}.parquet",
        f"events-{ids[4]:012d}-{ids[7]:012d}.parquet",
        f"events-{ids[8]:012d}-{ids[9]:012d}.parquet",
    ]
    assert lake_event_ids(lake) == ids
    assert StreamCursor.objects.get(name="parquet").last_event_id == ids[-1]


def test_running_again_publishes_only_new_events(make_events, lake):
    first = make_events(5)
    publish_all()
    assert publish_all() == 0

    second = make_events(2)
    assert publish_all() == 2
    assert lake_event_ids(lake) == first + second
    assert StreamCursor.objects.get(name="parquet").events_published == 7


def test_a_subjects_events_keep_their_order_in_the_lake(make_events, lake):
    make_events(30, subjects=4)
    publish_pending_events(batch_size=7)

    seen: dict[str, list[int]] = {}
    for path in lake_files(lake):  # file names sort in publishing order
        table = pq.read_table(path)
        for subject, event_id in zip(
            table.column("subject_id").to_pylist(), table.column("event_id").to_pylist()
        ):
            seen.setdefault(subject, []).append(event_id)
    assert len(seen) == 4
    assert all(ids == sorted(ids) for ids in seen.values())


def test_it_refuses_to_publish_inside_a_transaction(db):
    with pytest.raises(RuntimeError, match="outside any transaction"):
        publish_pending_events()


class OpenTransaction:
    """A transaction on its own connection (its own thread), kept open between steps."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.run(lambda: transaction.set_autocommit(False))

    def run(self, function):
        return self.pool.submit(function).result(timeout=30)

    def commit(self) -> None:
        self.run(transaction.commit)

    def close(self) -> None:
        def finish() -> None:
            if not connection.get_autocommit():
                transaction.rollback()
                transaction.set_autocommit(True)
            connection.close()

        self.run(finish)
        self.pool.shutdown()


def force_transaction_id() -> None:
    """Stand-in for the first write of a long request: the transaction gets its id now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()")


def test_an_event_committed_late_with_a_lower_id_is_not_lost(transactional_db, acme, lake):
    """Transactions commit out of id order. Here A starts first, B records event 1 and stays
    open, A records event 2 and commits. An "id > last published id" watermark would move to
    2 and skip 1 for ever once B commits. The stream publishes 2 (its transaction is over),
    holds the window below B, and publishes 1 when B commits."""
    a, b = OpenTransaction(), OpenTransaction()
    try:
        a.run(force_transaction_id)
        early = b.run(lambda: record_event(kind="test.first", company=acme)).pk
        late = a.run(lambda: record_event(kind="test.second", company=acme)).pk
        assert early < late
        a.commit()

        assert publish_all() == 1
        assert lake_event_ids(lake) == [late]

        b.commit()
        assert publish_all() == 1
    finally:
        a.close()
        b.close()
    assert sorted(lake_event_ids(lake)) == [early, late]
    assert len(lake_event_ids(lake)) == 2


def test_an_open_transaction_holds_back_the_events_after_it(make_events, acme, lake):
    before = make_events(2)
    open_transaction = OpenTransaction()
    try:
        pending = open_transaction.run(lambda: record_event(kind="test.slow", company=acme)).pk
        after = make_events(2)

        assert publish_all() == 2  # `after` waits: the open transaction might still add ids
        assert lake_event_ids(lake) == before

        open_transaction.commit()
    finally:
        open_transaction.close()
    assert publish_all() == 3
    assert sorted(lake_event_ids(lake)) == sorted([*before, pending, *after])


def test_a_second_publisher_leaves_while_the_first_holds_the_cursor(make_events):
    make_events(1)
    publish_all()  # creates the cursor
    holder = OpenTransaction()
    try:
        holder.run(lambda: StreamCursor.objects.select_for_update().get(name="parquet"))
        assert publish_pending_events().busy
    finally:
        holder.close()
    assert not publish_pending_events().busy


def test_open_transactions_of_other_databases_do_not_hold_the_stream_back(make_events, lake):
    """The window stops at this database's oldest open transaction, not the server's."""
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    with psycopg.connect(**params) as other:  # a transaction with an id, in another database
        other.execute("SELECT pg_current_xact_id()")
        ids = make_events(2)

        assert publish_all() == 2
    assert lake_event_ids(lake) == ids
