"""Webhooks against a real receiver on 127.0.0.1: signed, retried on 500, logged, replayable."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from applications import services, tasks, webhooks
from applications.models import WebhookDelivery, WebhookEndpoint
from applications.tests.factories import make_application, stage

pytestmark = pytest.mark.django_db


class Receiver:
    """A tiny integrator: records requests; answers from a script of status codes (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                code = receiver.script.pop(0) if receiver.script else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"ok" if code == 200 else b"boom")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def endpoint(acme, receiver):
    return WebhookEndpoint.objects.create(
        company=acme,
        url=receiver.url,
        events=["application.created", "application.stage_changed"],
    )


def receiver_verifies(secret: str, request: dict, tolerance: int = 300) -> bool:
    """What an integrator writes, independently of our code: recompute the HMAC."""
    parts = dict(p.split("=", 1) for p in request["headers"]["Talentmatch-Signature"].split(","))
    signed = parts["t"].encode() + b"." + request["body"]
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(parts["t"])) <= tolerance
    return fresh and hmac.compare_digest(expected, parts["v1"])


def test_a_stage_change_is_delivered_signed_to_subscribed_endpoints(
    endpoint, application, recruiter, job, receiver
):
    change = services.move_application(
        application=application, to_stage=stage(job, "interview"), by=recruiter
    )
    [delivery] = webhooks.create_deliveries(
        event="application.stage_changed", source="stage_change", source_id=change.pk
    )
    assert tasks.deliver_webhook.apply(args=[delivery.pk]).get() == "delivered"
    [request] = receiver.requests
    assert receiver_verifies(endpoint.secret, request)
    assert not receiver_verifies("whsec_wrong", request)
    body = json.loads(request["body"])
    assert body["event"] == "application.stage_changed"
    assert body["id"] == f"stage_change_{change.pk}"
    assert body["data"]["to_stage"] == "interview"
    assert body["data"]["application"]["id"] == str(application.pk)
    assert webhooks.verify_signature(
        secret=endpoint.secret,
        body=request["body"],
        header=request["headers"]["Talentmatch-Signature"],
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)


def test_an_old_or_tampered_signature_is_refused():
    header = webhooks.sign(secret="s", body=b"{}", timestamp=int(time.time()) - 600)
    assert not webhooks.verify_signature(secret="s", body=b"{}", header=header)
    fresh = webhooks.sign(secret="s", body=b"{}", timestamp=int(time.time()))
    assert webhooks.verify_signature(secret="s", body=b"{}", header=fresh)
    assert not webhooks.verify_signature(secret="s", body=b'{"x":1}', header=fresh)
    assert not webhooks.verify_signature(secret="s", body=b"{}", header="garbage")


def test_a_500_is_retried_until_the_receiver_accepts(endpoint, application, receiver):
    receiver.script = [500, 503]
    change = application.stage_changes.get()
    [delivery] = webhooks.create_deliveries(
        event="application.created", source="stage_change", source_id=change.pk
    )
    assert tasks.deliver_webhook.apply(args=[delivery.pk]).get() == "delivered"
    assert len(receiver.requests) == 3
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)


def test_a_receiver_that_keeps_failing_marks_the_delivery_failed(endpoint, application, receiver):
    receiver.script = [500] * 20
    change = application.stage_changes.get()
    [delivery] = webhooks.create_deliveries(
        event="application.created", source="stage_change", source_id=change.pk
    )
    assert tasks.deliver_webhook.apply(args=[delivery.pk]).get() == "failed"
    delivery.refresh_from_db()
    assert delivery.attempts == tasks.deliver_webhook.max_retries + 1
    assert (delivery.response_code, delivery.response_body) == (500, "boom")


def test_an_unreachable_endpoint_is_logged_with_the_error(acme, application):
    WebhookEndpoint.objects.create(
        company=acme, url="http://127.0.0.1:9/down", events=["application.created"]
    )
    [delivery] = webhooks.create_deliveries(
        event="application.created",
        source="stage_change",
        source_id=application.stage_changes.get().pk,
    )
    with pytest.raises(webhooks.DeliveryFailed):
        webhooks.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and "ConnectionError" in delivery.error


def test_deliveries_go_only_to_the_companys_subscribed_active_endpoints_once(
    endpoint, acme, globex, application, receiver
):
    WebhookEndpoint.objects.create(company=globex, url=receiver.url, events=["application.created"])
    WebhookEndpoint.objects.create(company=acme, url=receiver.url, events=["application.withdrawn"])
    WebhookEndpoint.objects.create(
        company=acme, url=receiver.url, events=["application.created"], is_active=False
    )
    change = application.stage_changes.get()
    args = {"event": "application.created", "source": "stage_change", "source_id": change.pk}
    assert [d.endpoint for d in webhooks.create_deliveries(**args)] == [endpoint]
    assert webhooks.create_deliveries(**args) == []  # a rerun of the task adds nothing
    assert WebhookDelivery.objects.count() == 1


def test_staff_replay_a_delivery_from_the_admin(client, staff, endpoint, application, receiver):
    change = application.stage_changes.get()
    [delivery] = webhooks.create_deliveries(
        event="application.created", source="stage_change", source_id=change.pk
    )
    webhooks.deliver(delivery_id=delivery.pk)
    client.force_login(staff)
    response = client.post(
        reverse("admin:applications_webhookdelivery_changelist"),
        {"action": "replay", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    replay = WebhookDelivery.objects.get(replay_of=delivery)
    assert (replay.event_id, replay.payload) == (delivery.event_id, delivery.payload)
    webhooks.deliver(delivery_id=replay.pk)
    assert [json.loads(r["body"])["id"] for r in receiver.requests] == [delivery.event_id] * 2


def test_the_admin_lists_filter_applications_and_logs(client, staff, acme, candidate, job):
    make_application(company=acme, candidate=candidate, job=job)
    client.force_login(staff)
    for name in [
        "applications_application",
        "applications_pipelinestage",
        "applications_message",
        "applications_webhookdelivery",
        "applications_webhookendpoint",
        "applications_notification",
    ]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    url = reverse("admin:applications_application_changelist")
    html = client.get(url, {"stage": "applied", "job__company__id__exact": acme.pk}).content
    assert b"carol@example.test" in html
    assert b"carol@example.test" not in client.get(url, {"stage": "hired"}).content


# --- Portal ----------------------------------------------------------------------------------


def test_an_owner_registers_an_endpoint_and_replays_a_delivery(
    client, recruiter, acme, application, receiver, settings
):
    client.force_login(recruiter)
    settings.DEBUG = False
    response = client.post(
        reverse("applications:webhooks"),
        {"url": "http://example.test/hook", "events": ["application.created"]},
    )
    assert b"https://" in response.content  # plain http refused outside development
    settings.DEBUG = True
    response = client.post(
        reverse("applications:webhooks"),
        {"url": receiver.url, "events": ["application.created"]},
    )
    endpoint = WebhookEndpoint.objects.get(company=acme)
    assert response.url == reverse("applications:webhook", args=[endpoint.pk])
    page = client.get(response.url).content.decode()
    assert endpoint.secret in page
    [delivery] = webhooks.create_deliveries(
        event="application.created",
        source="stage_change",
        source_id=application.stage_changes.get().pk,
    )
    client.post(response.url, {"action": "replay", "delivery": delivery.pk})
    assert WebhookDelivery.objects.filter(replay_of=delivery).count() == 1


def test_webhooks_are_for_owners_and_admins_of_the_company(
    client, teammate, other_recruiter, endpoint
):
    client.force_login(teammate)
    assert client.get(reverse("applications:webhooks")).status_code == 403
    client.force_login(other_recruiter)
    url = reverse("applications:webhook", args=[endpoint.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "delete"}).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_endpoints_in_private_networks_are_refused_in_production(
    acme, application, receiver, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    WebhookEndpoint.objects.create(company=acme, url=receiver.url, events=["application.created"])
    [delivery] = webhooks.create_deliveries(
        event="application.created",
        source="stage_change",
        source_id=application.stage_changes.get().pk,
    )
    assert webhooks.deliver(delivery_id=delivery.pk, final_attempt=True).status == "failed"
    delivery.refresh_from_db()
    assert "non-public address (127.0.0.1)" in delivery.error
    assert receiver.requests == []


def test_a_published_job_is_announced_to_endpoints_subscribed_to_job_events(
    acme, recruiter, receiver
):
    from jobs import services as job_services
    from jobs.models import Job
    from jobs.signals import job_changed
    from jobs.tests.factories import make_job

    hook = WebhookEndpoint.objects.create(company=acme, url=receiver.url, events=["job.published"])
    WebhookEndpoint.objects.create(
        company=acme, url=receiver.url, events=["application.created"]
    )  # not subscribed to job events
    assert webhooks.on_job_changed in [entry[1]() for entry in job_changed.receivers]

    draft = make_job(acme, status=Job.Status.DRAFT, title="Data Engineer")
    job_services.publish_job(job=draft, actor=recruiter)
    [delivery] = webhooks.create_deliveries(event="job.published", source="job", source_id=draft.pk)
    assert delivery.endpoint == hook
    assert tasks.deliver_webhook.apply(args=[delivery.pk]).get() == "delivered"
    [request] = receiver.requests
    assert receiver_verifies(hook.secret, request)
    body = json.loads(request["body"])
    assert (body["event"], body["data"]["job"]["title"]) == ("job.published", "Data Engineer")
    # A rerun of the same publication creates nothing new.
    assert webhooks.create_deliveries(event="job.published", source="job", source_id=draft.pk) == []
