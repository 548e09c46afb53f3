"""Signal receivers that feed the audit log, connected in `AnalyticsConfig.ready()`.

Signals only hook what analytics does not own (DESIGN: nothing imports analytics beyond
`record_event` and the audit helpers): Django's login signals, allauth's MFA signals, the
admin's `LogEntry`, and the `analytics.Event` rows other apps already write for stage
changes, withdrawals, exports and invitations. Each runs in the transaction that caused it,
so an action that rolls back leaves no entry.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.http import HttpRequest

from analytics.audit import record_audit
from analytics.models import Event

# Event kinds (docs/events.md) worth an audit entry: who moved whom, who took data out, who
# was given access. The entry takes the event's actor, company and subject.
AUDITED_EVENT_KINDS = frozenset(
    {
        "application.stage_changed",
        "application.withdrawn",
        "analytics.exported",
        "invitation.sent",
        "invitation.accepted",
    }
)

ADMIN_FLAGS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _company_of(user: Any) -> Any:
    """The company a user works for (the portal's rule: their first membership), if any."""
    if user is None or not getattr(user, "pk", None):
        return None
    from accounts.models import Membership

    membership = (
        Membership.objects.select_related("company")
        .filter(user_id=user.pk)
        .order_by("created_at")
        .first()
    )
    return membership.company if membership else None


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_audit("auth.login", actor=user, company=_company_of(user), request=request)


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:  # logging out an anonymous session: nobody to record
        return
    record_audit("auth.logout", actor=user, company=_company_of(user), request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the attempted identifier: Django has already masked the password, and nothing
    # else a client sent belongs in the log.
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    from accounts.models import User

    user = User.objects.filter(email__iexact=attempted).first() if attempted else None
    record_audit(
        "auth.login_failed",
        actor_email=attempted,
        company=_company_of(user),
        details={"known_user": user is not None},
        request=request,
    )


def _mfa_entry(action: str, request: HttpRequest | None, user: Any, authenticator: Any) -> None:
    record_audit(
        action,
        actor=user,
        company=_company_of(user),
        target=authenticator,
        target_repr=f"{authenticator.get_type_display()} of {user.email}",
        details={"type": authenticator.type},
        request=request,
    )


def on_authenticator_added(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any):
    recovery = authenticator.type == authenticator.Type.RECOVERY_CODES
    action = "mfa.recovery_codes_generated" if recovery else "mfa.enabled"
    _mfa_entry(action, request, user, authenticator)


def on_authenticator_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any):
    _mfa_entry("mfa.disabled", request, user, authenticator)


def on_authenticator_reset(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any):
    _mfa_entry("mfa.recovery_codes_generated", request, user, authenticator)


def on_mfa_failed(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any):
    _mfa_entry("mfa.authentication_failed", request, user, authenticator)


def on_event_saved(sender: Any, instance: Event, created: bool, raw: bool = False, **kw: Any):
    if not created or raw or instance.kind not in AUDITED_EVENT_KINDS:
        return
    payload = instance.payload or {}
    if "from" in payload and "to" in payload:
        summary = f"{payload['from']} → {payload['to']}"
    else:
        summary = str(payload.get("dataset") or payload.get("email") or "")
    record_audit(
        instance.kind,
        actor=instance.actor,
        company=instance.company,
        target_type=instance.subject_type,
        target_id=instance.subject_id,
        target_repr=summary,
        details={"event_id": instance.pk, **payload},
    )


def on_admin_logged(sender: Any, instance: LogEntry, created: bool, raw: bool = False, **kw: Any):
    if not created or raw:
        return
    content_type = instance.content_type
    record_audit(
        "admin.change",
        actor=instance.user,
        target_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        target_id=str(instance.object_id or ""),
        target_repr=instance.object_repr,
        details={
            "operation": ADMIN_FLAGS.get(instance.action_flag, str(instance.action_flag)),
            "change": instance.get_change_message(),
            "log_entry_id": instance.pk,
        },
    )


def connect() -> None:
    from allauth.mfa import signals as mfa_signals

    user_logged_in.connect(on_logged_in, dispatch_uid="audit.auth.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.auth.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.auth.login_failed")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="audit.mfa.add")
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="audit.mfa.remove"
    )
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="audit.mfa.reset")
    mfa_signals.authentication_failed.connect(on_mfa_failed, dispatch_uid="audit.mfa.failed")
    post_save.connect(on_event_saved, sender=Event, dispatch_uid="audit.event")
    post_save.connect(on_admin_logged, sender=LogEntry, dispatch_uid="audit.admin")
