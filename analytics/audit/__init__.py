"""The audit log: `record_audit` writes one `AuditEntry`, with who/where from the request.

Any app may call these helpers (like `record_event`); they import no other app. The request
being served is kept in a context variable by `AuditContextMiddleware`, so a signal receiver
deep in a service (a stage change, an admin change) still knows the IP, user agent and
request id. Outside a request (a Celery task, a management command) these stay empty.

What is recorded, and from where, is listed in docs/audit.md.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse

from analytics.models import AuditEntry
from config.logging import request_id_var

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)

PURGE_BATCH_SIZE = 10000

# The actions recorded (docs/audit.md), with the labels the portal's filter shows.
ACTIONS: list[tuple[str, str]] = [
    ("resume.viewed", "Resume viewed"),
    ("resume.downloaded", "Resume downloaded"),
    ("application.stage_changed", "Application moved"),
    ("application.withdrawn", "Application withdrawn"),
    ("analytics.exported", "Data exported"),
    ("invitation.sent", "Invitation sent"),
    ("invitation.accepted", "Invitation accepted"),
    ("auth.login", "Signed in"),
    ("auth.login_failed", "Sign-in failed"),
    ("auth.logout", "Signed out"),
    ("mfa.enabled", "Two-factor enabled"),
    ("mfa.disabled", "Two-factor removed"),
    ("mfa.recovery_codes_generated", "Recovery codes generated"),
    ("mfa.authentication_failed", "Two-factor code refused"),
    ("admin.change", "Admin change"),
]


class AuditContextMiddleware:
    """Keeps the request in `current_request` while it is served (for receivers).

    Also the admin's safety net: the "delete selected" action logs several objects with
    `LogEntry.objects.bulk_create`, which sends no `post_save`. After an admin POST, the
    request's `LogEntry` rows that have no audit entry yet get one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            mark = _admin_log_mark(request)
            response = self.get_response(request)
            if mark is not None:
                _audit_unrecorded_admin_entries(request, mark)
            return response
        finally:
            current_request.reset(token)


def _admin_log_mark(request: HttpRequest) -> int | None:
    """The last `LogEntry` id before an admin POST (None for any other request)."""
    if request.method != "POST" or not request.path.startswith(_admin_prefix()):
        return None
    from django.contrib.admin.models import LogEntry

    return LogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _admin_prefix() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return "\0"  # no admin: matches no path


def _audit_unrecorded_admin_entries(request: HttpRequest, mark: int) -> None:
    from django.contrib.admin.models import LogEntry

    from analytics.audit.receivers import on_admin_logged

    user = _request_user(request)
    if user is None:
        return
    logged = list(
        LogEntry.objects.filter(id__gt=mark, user_id=user.pk)
        .select_related("content_type", "user")
        .order_by("id")
    )
    if not logged:
        return
    audited = set(
        AuditEntry.objects.filter(
            action="admin.change",
            created_at__gte=logged[0].action_time,
            details__log_entry_id__in=[e.pk for e in logged],
        ).values_list("details__log_entry_id", flat=True)
    )
    for entry in logged:
        if entry.pk not in audited:
            on_admin_logged(LogEntry, entry, created=True)


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or the first X-Forwarded-For hop behind a proxy.

    `AUDIT_TRUSTED_PROXY_COUNT` says how many proxies (load balancers) append to the header;
    with none (the default) the header is ignored, as any client can write it.
    """
    proxies = settings.AUDIT_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return _valid_ip(hops[-proxies])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(value: str) -> str | None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def _request_user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def record_audit(
    action: str,
    *,
    actor: Any = None,
    actor_email: str = "",
    company: Any = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append one entry: `actor` did `action` to `target` within `company`.

    The request (given, or the one being served) supplies the actor when none is given, the
    IP, user agent and request id. The company defaults to the recruiter's company the portal
    resolved for this request (`request.membership`).
    """
    request = request if request is not None else current_request.get()
    if actor is None:
        actor = _request_user(request)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    if company is None and request is not None:
        membership = getattr(request, "membership", None)
        company = getattr(membership, "company", None)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)
    meta = request.META if request is not None else {}
    request_id = request_id_var.get()
    request_id = getattr(request, "request_id", "") if request_id == "-" else request_id
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_email=(actor.email if actor is not None else actor_email)[:254],
        company=company,
        target_type=target_type[:64],
        target_id=target_id[:64],
        target_repr=target_repr[:200],
        ip_address=client_ip(request) if request is not None else None,
        user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
        request_id=(request_id or "")[:64],
        details=details or {},
    )


def record_resume_access(
    resume: Any, *, action: str = "resume.viewed", request: HttpRequest | None = None
) -> AuditEntry | None:
    """Audit someone other than its owner viewing (or downloading) a candidate's resume.

    A candidate opening their own resume is not audited; nor is a missing resume (None).
    """
    request = request if request is not None else current_request.get()
    user = _request_user(request)
    if resume is None or user is None or user.pk == resume.owner_id:
        return None
    return record_audit(
        action,
        actor=user,
        target=resume,
        target_repr=str(getattr(resume, "original_name", "") or resume.pk),
        details={"candidate_id": resume.owner_id},
        request=request,
    )


def purge_audit_log(*, retention_days: int | None = None) -> int:
    """Delete the entries older than the retention (`AUDIT_RETENTION_DAYS`); returns how many.

    The only DELETE the database trigger lets through: each batch runs in a transaction that
    declares itself the purge and its retention, and the trigger checks every row's age
    against that retention by the database clock.
    """
    days = settings.AUDIT_RETENTION_DAYS if retention_days is None else retention_days
    if days < 1:
        raise ValueError("The audit retention is at least one day.")
    deleted = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('talentmatch.audit_purge', 'on', true),"
                " set_config('talentmatch.audit_retention_days', %s, true),"
                " now() - make_interval(days => %s)",
                [str(days), days],
            )
            cutoff = cursor.fetchone()[2]
            ids = list(
                AuditEntry.objects.filter(created_at__lt=cutoff)
                .order_by("id")
                .values_list("id", flat=True)[:PURGE_BATCH_SIZE]
            )
            if ids:
                deleted += AuditEntry.objects.filter(pk__in=ids).delete()[0]
            # Inside an outer transaction the flag would outlive this block: switch it off.
            cursor.execute("SELECT set_config('talentmatch.audit_purge', 'off', true)")
        if not ids:
            return deleted
