"""Webhooks: signed POSTs to the endpoints a company registered, logged and retried.

Signature (Stripe's scheme): header ``Talentmatch-Signature: t=<unix time>,v1=<hex>`` where
``hex = HMAC-SHA256(secret, f"{t}.{raw body}")``. Receivers recompute it and refuse old
timestamps (replays); `verify_signature` is the reference implementation.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import StageChange, WebhookDelivery, WebhookEndpoint
from jobs.models import Job

SIGNATURE_HEADER = "Talentmatch-Signature"
TOLERANCE_SECONDS = 300


class DeliveryFailed(Exception):
    """The receiver did not accept the delivery (not 2xx, or no answer): retry later."""


def sign(*, secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    *,
    secret: str,
    body: bytes,
    header: str,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected = sign(secret=secret, body=body, timestamp=timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def stage_change_payload(change: StageChange) -> dict[str, Any]:
    application = change.application
    return {
        "application": {
            "id": str(application.pk),
            "job_id": application.job_id,
            "job_title": application.job.title,
            "candidate_id": application.candidate_id,
            "stage": change.to_stage.slug,
            "created_at": application.created_at,
        },
        "from_stage": change.from_stage.slug if change.from_stage else None,
        "to_stage": change.to_stage.slug,
        "reason": change.reason,
        "changed_at": change.created_at,
    }


def job_payload(job: Job) -> dict[str, Any]:
    return {
        "job": {
            "id": job.pk,
            "title": job.title,
            "status": job.status,
            "workplace": job.workplace,
            "city": job.city,
            "country": job.country,
            "required_skills": job.required_skills,
            "published_at": job.published_at,
            "closed_at": job.closed_at,
        }
    }


def _source_event(
    event: str, source: str, source_id: int
) -> tuple[int, dict[str, Any], str, StageChange | None] | None:
    """(company id, payload, event id, stage change) of a webhook source, or None if gone."""
    if source == "stage_change":
        change = (
            StageChange.objects.select_related("application__job", "from_stage", "to_stage")
            .filter(pk=source_id)
            .first()
        )
        if change is None:
            return None
        company_id = change.application.job.company_id
        return company_id, stage_change_payload(change), f"{source}_{source_id}", change
    if source == "job":
        job = Job.objects.filter(pk=source_id).first()
        if job is None:
            return None
        # One event per publication (or closing): a job published twice is announced twice.
        moment = job.published_at if event == "job.published" else job.closed_at
        stamp = int(moment.timestamp()) if moment else 0
        return job.company_id, job_payload(job), f"{event}_{source_id}_{stamp}", None
    raise ValueError(f"Unknown webhook source {source}")


@transaction.atomic
def create_deliveries(*, event: str, source: str, source_id: int) -> list[WebhookDelivery]:
    """One delivery per subscribed endpoint (idempotent: a rerun creates none twice)."""
    found = _source_event(event, source, source_id)
    if found is None:
        return []
    company_id, payload, event_id, change = found
    endpoints = WebhookEndpoint.objects.filter(
        company_id=company_id, is_active=True, events__contains=[event]
    )
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    out = []
    for endpoint in endpoints:
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint, event=event, event_id=event_id, payload=payload
                )
        except IntegrityError:
            continue  # created by an earlier run of this task
        out.append(delivery)
    from applications import tasks

    for delivery in out:
        tasks.deliver_webhook.delay_on_commit(delivery.pk)
    if change is not None:
        StageChange.objects.filter(pk=change.pk, webhooks_at__isnull=True).update(
            webhooks_at=timezone.now()
        )
    return out


def on_job_changed(sender: Any, *, job_id: int, fields: list[str], **kwargs: Any) -> None:
    """`jobs.signals.job_changed` receiver (sent after commit): announce publish and close."""
    if "status" not in fields:
        return
    status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
    if status == Job.Status.OPEN:
        event = "job.published"
    elif status in (Job.Status.CLOSED, Job.Status.FILLED):
        event = "job.closed"
    else:
        return
    from applications import tasks

    tasks.dispatch_webhooks.delay(event, "job", job_id)


def _private_host(url: str) -> str:
    """The reason to refuse `url` when it points into our own network (SSRF), else "".

    Checked before each attempt. (A DNS answer that changes between this check and the
    connection is not covered: production should also send webhooks through an egress proxy.)
    """
    from urllib.parse import urlsplit

    if getattr(settings, "WEBHOOK_ALLOW_PRIVATE_HOSTS", settings.DEBUG):
        return ""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        return f"cannot resolve {host}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"{host} resolves to a non-public address ({address})"
    return ""


@dataclass(frozen=True)
class DeliveryResult:
    status: str
    response_code: int | None


def _body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": delivery.event_id,
        "event": delivery.event,
        "created": int(delivery.created_at.timestamp()),
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def deliver(*, delivery_id: int, final_attempt: bool = False) -> DeliveryResult:
    """POST one delivery; 2xx is delivered, anything else raises DeliveryFailed (retry) or,
    on the last attempt, marks it failed."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (
        WebhookDelivery.Status.DELIVERED,
        WebhookDelivery.Status.FAILED,
    ):
        return DeliveryResult(delivery.status if delivery else "missing", None)
    body = _body(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Talentmatch-Webhooks/1",
        SIGNATURE_HEADER: sign(secret=delivery.endpoint.secret, body=body, timestamp=timestamp),
        "Talentmatch-Event": delivery.event,
        "Talentmatch-Delivery": str(delivery.pk),
    }
    code: int | None = None
    text = ""
    error = ""
    refused = _private_host(delivery.endpoint.url)
    try:
        if refused:
            raise requests.ConnectionError(f"Refused: {refused}")
        response = requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10),
            allow_redirects=False,
        )
        code, text = response.status_code, response.text[:2000]
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    ok = code is not None and 200 <= code < 300
    status = (
        WebhookDelivery.Status.DELIVERED
        if ok
        else WebhookDelivery.Status.FAILED
        if final_attempt
        else WebhookDelivery.Status.RETRYING
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=delivery.attempts + 1,
        response_code=code,
        response_body=text,
        error=error,
        last_attempt_at=timezone.now(),
        delivered_at=timezone.now() if ok else None,
    )
    if status == WebhookDelivery.Status.RETRYING:
        raise DeliveryFailed(error or f"HTTP {code}")
    return DeliveryResult(status, code)


@transaction.atomic
def replay_delivery(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an earlier delivery again (same event id and payload) as a new logged delivery."""
    from applications import tasks

    original = delivery.replay_of or delivery
    replay = WebhookDelivery.objects.create(
        endpoint=original.endpoint,
        event=original.event,
        event_id=original.event_id,
        payload=original.payload,
        replay_of=original,
    )
    tasks.deliver_webhook.delay_on_commit(replay.pk)
    return replay
