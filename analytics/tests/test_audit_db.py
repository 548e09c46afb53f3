"""The audit log is append-only in the database: the trigger of migration 0003."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from analytics.audit import purge_audit_log
from analytics.models import AuditEntry
from analytics.tasks import purge_audit_log_task

pytestmark = pytest.mark.django_db


def make_entry(*, days_ago: float = 0, action: str = "auth.login") -> AuditEntry:
    at = timezone.now() - dt.timedelta(days=days_ago)
    return AuditEntry.objects.create(action=action, actor_email="a@example.com", created_at=at)


def refused(statement) -> str:
    """Run `statement` in a savepoint; return the database's refusal message."""
    with pytest.raises(DatabaseError) as info, transaction.atomic():
        statement()
    return str(info.value)


def test_it_refuses_an_orm_update():
    entry = make_entry()
    entry.action = "auth.logout"
    assert "append-only: UPDATE" in refused(entry.save)
    assert "append-only: UPDATE" in refused(
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(actor_email="x@example.com")
    )
    entry.refresh_from_db()
    assert entry.action == "auth.login"


def test_it_refuses_an_orm_delete_even_of_an_old_row():
    entry = make_entry(days_ago=1000)
    assert "append-only: DELETE" in refused(entry.delete)
    assert "append-only: DELETE" in refused(AuditEntry.objects.all().delete)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_it_refuses_raw_sql_update_and_delete():
    entry = make_entry()

    def raw(sql: str):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])

        return run

    assert "append-only: UPDATE" in refused(
        raw("UPDATE analytics_auditentry SET actor_email = 'x' WHERE id = %s")
    )
    assert "append-only: DELETE" in refused(raw("DELETE FROM analytics_auditentry WHERE id = %s"))
    assert AuditEntry.objects.get(pk=entry.pk).actor_email == "a@example.com"


def test_a_purge_flag_does_not_let_a_recent_row_go():
    entry = make_entry(days_ago=10)

    def forged_purge():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL talentmatch.audit_purge = 'on'")
            cursor.execute("SET LOCAL talentmatch.audit_retention_days = '400'")
            cursor.execute("DELETE FROM analytics_auditentry WHERE id = %s", [entry.pk])

    assert "within the retention period" in refused(forged_purge)

    def zero_retention():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL talentmatch.audit_purge = 'on'")
            cursor.execute("SET LOCAL talentmatch.audit_retention_days = '0'")
            cursor.execute("DELETE FROM analytics_auditentry WHERE id = %s", [entry.pk])

    assert "within the retention period" in refused(zero_retention)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_purge_removes_only_rows_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 400
    old = [make_entry(days_ago=401), make_entry(days_ago=900)]
    kept = [make_entry(days_ago=399), make_entry(days_ago=0)]

    assert purge_audit_log_task() == 2

    remaining = set(AuditEntry.objects.values_list("pk", flat=True))
    assert remaining == {e.pk for e in kept}
    assert not remaining & {e.pk for e in old}
    # The purge's permission ends with its transaction: a plain delete is refused again.
    assert "append-only: DELETE" in refused(kept[0].delete)


def test_the_purge_follows_the_retention_setting(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    make_entry(days_ago=31)
    recent = make_entry(days_ago=29)
    assert purge_audit_log() == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_truncate_is_refused_outside_a_test_database():
    """Django's test runner empties "test_..." databases with TRUNCATE: the trigger lets that
    pass. Anywhere else it refuses; checked by swapping in the same function with a prefix
    no database has, inside a transaction that is rolled back (DDL is transactional)."""
    entry = make_entry()

    def truncate_elsewhere():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_functiondef('analytics_auditentry_guard'::regproc)")
            definition = cursor.fetchone()[0]
            assert "'test!_%'" in definition
            cursor.execute(definition.replace("'test!_%'", "'no-such-database!_%'"))
            cursor.execute("TRUNCATE analytics_auditentry")

    assert "append-only: TRUNCATE is refused" in refused(truncate_elsewhere)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_purge_runs_daily_from_beat(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["analytics.purge-audit-log"]
    assert entry["task"] == purge_audit_log_task.name
    assert entry["task"] in app.tasks


def test_a_retention_below_one_day_fails_at_boot(tmp_path):
    from config.tests.test_settings import boot

    result = boot({"AUDIT_RETENTION_DAYS": "0"}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured: AUDIT_RETENTION_DAYS must be at least 1." in result.stderr
