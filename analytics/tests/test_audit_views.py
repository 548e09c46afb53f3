"""The audit log in the portal (company owners) and in the admin (staff, read-only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.audit import record_audit
from analytics.models import AuditEntry
from analytics.views import AUDIT_PAGE_SIZE

pytestmark = pytest.mark.django_db

URL = reverse("analytics:audit")


def entry(action: str, *, actor, company, days_ago: int = 0, **fields) -> AuditEntry:
    if not days_ago:
        return record_audit(action, actor=actor, company=company, **fields)
    # A back-dated entry can only be inserted so: the database refuses moving it afterwards.
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email,
        company=company,
        created_at=timezone.now() - dt.timedelta(days=days_ago),
        **fields,
    )


def shown_actions(response) -> list[str]:
    return [e.action for e in response.context["page"]]


@pytest.fixture
def log(acme, globex, recruiter, teammate, other_recruiter):
    """Acme's log (oldest first) and one entry of Globex's."""
    return {
        "old_login": entry("auth.login", actor=teammate, company=acme, days_ago=10),
        "download": entry(
            "resume.downloaded", actor=teammate, company=acme, days_ago=2, target_repr="cv.pdf"
        ),
        "export": entry("analytics.exported", actor=recruiter, company=acme),
        "globex": entry("resume.downloaded", actor=other_recruiter, company=globex),
    }


def test_an_owner_sees_their_companys_log_newest_first(client, recruiter, log):
    client.force_login(recruiter)  # (itself an auth.login entry of Acme, the newest)
    response = client.get(URL)

    assert response.status_code == 200
    assert shown_actions(response) == [
        "auth.login",
        "analytics.exported",
        "resume.downloaded",
        "auth.login",
    ]
    assert log["globex"].pk not in {e.pk for e in response.context["page"]}
    assert b"cv.pdf" in response.content and b"bob@acme.test" in response.content


def test_the_other_companys_owner_sees_only_their_own(client, other_recruiter, log):
    client.force_login(other_recruiter)
    response = client.get(URL)
    assert {e.company_id for e in response.context["page"]} == {log["globex"].company_id}
    assert b"bob@acme.test" not in response.content


def test_filters_narrow_the_log(client, recruiter, teammate, log):
    client.force_login(recruiter)
    today = timezone.localdate()

    by_action = client.get(URL, {"action": "resume.downloaded"})
    by_actor = client.get(URL, {"actor": teammate.pk})
    by_email = client.get(URL, {"email": "ALICE@"})
    by_dates = client.get(
        URL, {"start": today - dt.timedelta(days=3), "end": today - dt.timedelta(days=1)}
    )

    assert [e.pk for e in by_action.context["page"]] == [log["download"].pk]
    assert [e.pk for e in by_actor.context["page"]] == [log["download"].pk, log["old_login"].pk]
    assert shown_actions(by_email) == ["auth.login", "analytics.exported"]
    assert [e.pk for e in by_dates.context["page"]] == [log["download"].pk]


def test_a_member_of_another_company_in_the_filters_is_a_404(client, recruiter, other_recruiter):
    client.force_login(recruiter)
    assert client.get(URL, {"actor": other_recruiter.pk}).status_code == 404


def test_a_reversed_date_range_is_a_400_with_the_reason(client, recruiter):
    client.force_login(recruiter)
    response = client.get(URL, {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 400
    assert b"The start date comes after the end date." in response.content


def test_the_log_is_paginated(client, recruiter, acme):
    AuditEntry.objects.bulk_create(
        AuditEntry(action="resume.viewed", company=acme, actor_email="bob@acme.test")
        for _ in range(AUDIT_PAGE_SIZE + 5)
    )
    client.force_login(recruiter)
    first = client.get(URL, {"action": "resume.viewed"})
    second = client.get(URL, {"action": "resume.viewed", "page": 2})

    beyond = client.get(URL, {"action": "resume.viewed", "page": 9})

    assert len(first.context["page"]) == AUDIT_PAGE_SIZE
    assert len(second.context["page"]) == 5
    assert {e.pk for e in first.context["page"]}.isdisjoint(e.pk for e in second.context["page"])
    assert b'href="?action=resume.viewed&page=2"' in first.content
    assert b'href="?action=resume.viewed&page=1"' in second.content
    assert b"page=3" not in second.content
    assert beyond.status_code == 200 and len(beyond.context["page"]) == 0


def test_a_recruiter_who_is_not_owner_is_refused(client, teammate, log):
    client.force_login(teammate)
    response = client.get(URL)
    assert response.status_code == 403
    assert b"cv.pdf" not in response.content


def test_only_owners_get_the_link_from_the_dashboards(client, recruiter, teammate):
    client.force_login(recruiter)
    assert URL.encode() in client.get(reverse("analytics:dashboard")).content
    client.force_login(teammate)
    assert URL.encode() not in client.get(reverse("analytics:dashboard")).content


# --- Admin -----------------------------------------------------------------------------------


def test_staff_see_every_entry_in_the_admin_with_filters_and_search(client, staff, log):
    client.force_login(staff)
    changelist = reverse("admin:analytics_auditentry_changelist")

    everything = client.get(changelist)
    searched = client.get(changelist, {"q": "cv.pdf"})
    filtered = client.get(changelist, {"action__exact": "analytics.exported"})

    assert everything.status_code == 200
    shown = {e.pk for e in everything.context["cl"].result_list}
    assert {e.pk for e in log.values()} <= shown
    assert [e.pk for e in searched.context["cl"].result_list] == [log["download"].pk]
    assert [e.pk for e in filtered.context["cl"].result_list] == [log["export"].pk]


def test_the_admin_offers_no_add_change_or_delete(client, staff, log):
    client.force_login(staff)
    pk = log["export"].pk
    add = client.get(reverse("admin:analytics_auditentry_add"))
    change_page = client.get(reverse("admin:analytics_auditentry_change", args=[pk]))
    post = client.post(
        reverse("admin:analytics_auditentry_change", args=[pk]), {"action": "auth.logout"}
    )
    delete = client.post(reverse("admin:analytics_auditentry_delete", args=[pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:analytics_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
    )

    assert add.status_code == 403
    assert change_page.status_code == 200  # view only
    assert b'name="_save"' not in change_page.content
    assert post.status_code == 403
    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)  # "No action selected": the action is not offered
    assert AuditEntry.objects.get(pk=pk).action == "analytics.exported"
