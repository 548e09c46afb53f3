"""A recruiter's own notification settings: which kinds reach them on which channel, and
their consent to SMS (recorded with time, source and address, like candidates')."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.access import recruiter_required
from applications import notifications
from applications.models import RECRUITER_KINDS, Channel, Kind


@recruiter_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "save":
            # An unticked box is absent from the form: every recruiter kind and channel is set.
            notifications.set_preferences(
                user=user,  # type: ignore[arg-type]
                changes={
                    kind: {
                        channel: f"{kind}:{channel}" in request.POST for channel in Channel.values
                    }
                    for kind in RECRUITER_KINDS
                },
            )
            messages.success(request, "Notification settings saved.")
        elif action == "sms_consent":
            if not request.POST.get("agree"):
                messages.error(request, "Tick the box to agree to receive text messages.")
            else:
                try:
                    notifications.grant_sms_consent(
                        user=user,  # type: ignore[arg-type]
                        phone=request.POST.get("phone", ""),
                        source="portal",
                        ip_address=request.META.get("REMOTE_ADDR"),
                    )
                    messages.success(request, "Text messages switched on for this number.")
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
        elif action == "sms_revoke":
            notifications.revoke_sms_consent(user=user)  # type: ignore[arg-type]
            messages.success(request, "You will receive no more text messages.")
        return redirect("applications:notification_settings")
    preferences = notifications.preferences_of(user, kinds=RECRUITER_KINDS)  # type: ignore[arg-type]
    return render(
        request,
        "applications/notification_settings.html",
        {
            "rows": [
                (
                    Kind(kind).label,
                    [
                        (f"{kind}:{channel}", label, preferences[kind][channel])
                        for channel, label in Channel.choices
                    ],
                )
                for kind in RECRUITER_KINDS
            ],
            "channels": Channel.choices,
            "consent": notifications.active_consent(user),  # type: ignore[arg-type]
        },
    )
