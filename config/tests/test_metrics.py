"""/metrics: who may read it, and the figures it shows, from this process, workers and the DB."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from config.observability.collectors import queue_depths
from jobs.tests.factories import make_job
from matching.models import Match
from resumes import services as resume_services
from resumes.models import CandidateProfile, Resume
from resumes.tests.factories import make_resume

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-0123456789"


def scrape(client: Client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def value(text: str, name: str, **labels: str) -> float:
    """One sample's value (0 when the series does not exist yet)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def label_values(text: str, name: str, label: str) -> set[str]:
    return {
        sample.labels[label]
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


@pytest.fixture
def token(settings) -> str:
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


# --- Access --------------------------------------------------------------------------------


def test_the_scraper_reads_it_with_the_token(client, token):
    client.get("/healthz")
    assert 'talentmatch_http_requests_total{method="GET",route="healthz"' in scrape(client)


def test_anonymous_gets_401_with_a_bearer_challenge(client, token):
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"talentmatch" not in response.content


def test_a_wrong_token_gets_401(client, token):
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401


def test_no_token_is_accepted_when_none_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401


def test_recruiters_and_candidates_get_403_and_staff_200(client, recruiter, candidate, staff):
    for user, status in ((recruiter, 403), (candidate, 403), (staff, 200)):
        client.force_login(user)
        assert client.get("/metrics").status_code == status


def test_the_scraper_is_not_redirected_to_https(client, token, settings):
    settings.SECURE_SSL_REDIRECT = True  # what production (debug off) has
    assert client.get("/healthz").status_code == 200
    assert client.get("/portal/").status_code == 301
    scrape(client)  # plain HTTP on the private network, like the probes


# --- Requests ------------------------------------------------------------------------------


def test_requests_are_counted_by_route_pattern_never_by_raw_path(client, token, candidate):
    resume = make_resume(owner=candidate)
    route = "api/v1/resumes/<uuid:resume_id>/"
    before = scrape(client)
    client.force_login(candidate)
    assert client.get(f"/api/v1/resumes/{resume.pk}/").status_code == 200
    assert client.get(f"/api/v1/resumes/{resume.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/api/v1/resumes/{resume.pk}/").status_code == 401
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    ok = {"route": route, "method": "GET", "status": "200"}
    assert delta("talentmatch_http_requests_total", **ok) == 2
    assert delta("talentmatch_http_requests_total", **(ok | {"status": "401"})) == 1
    assert delta("talentmatch_http_request_duration_seconds_count", route=route) == 3
    assert delta("talentmatch_http_request_duration_seconds_sum", route=route) > 0
    routes = label_values(after, "talentmatch_http_requests_total", "route")
    assert not [r for r in routes if str(resume.pk) in r]


def test_an_unknown_path_counts_as_unmatched(client, token):
    client.get("/no-such-page/")
    text = scrape(client)
    assert value(text, "talentmatch_http_requests_total", route="<unmatched>", status="404") >= 1
    assert "/no-such-page/" not in text


# --- Scrape-time figures -------------------------------------------------------------------


def test_queue_depth_counts_the_message_files_of_the_filesystem_broker(client, token):
    from config.celery import app

    before = value(scrape(client), "talentmatch_queue_depth", queue="ocr")
    with app.connection_for_write() as conn:
        for _ in range(3):
            app.send_task("config.tests.never_run", queue="ocr", connection=conn)
    try:
        assert value(scrape(client), "talentmatch_queue_depth", queue="ocr") == before + 3
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("ocr")
    assert value(scrape(client), "talentmatch_queue_depth", queue="ocr") == 0


@pytest.mark.slow
def test_queue_depth_reads_llen_on_redis(redis_server):
    from config.celery import app

    assert queue_depths(url=redis_server)["matching"] == 0  # no list yet: not an error
    with app.connection_for_write(redis_server) as conn:
        for _ in range(4):
            app.send_task("config.tests.never_run", queue="matching", connection=conn)
    try:
        assert queue_depths(url=redis_server)["matching"] == 4
    finally:
        with app.connection_for_write(redis_server) as conn:
            conn.default_channel.queue_purge("matching")


@pytest.mark.slow
def test_queue_depth_reads_approximate_number_of_messages_on_sqs(moto_reset, monkeypatch):
    import uuid

    import boto3

    from config.celery import app
    from config.settings import sqs_transport_options

    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto_reset)  # boto3's own variable (settings.py)
    prefix = f"tm-{uuid.uuid4().hex[:8]}-"
    options = sqs_transport_options(region="us-east-1", queue_name_prefix=prefix)
    url = "sqs://testing:testing@"
    with app.connection_for_write(url, transport_options=options) as conn:
        for _ in range(2):
            app.send_task("config.tests.never_run", queue="parsing", connection=conn)
    depths = queue_depths(url=url, transport_options=options)
    assert depths["parsing"] == 2
    assert depths["default"] == 0
    sqs = boto3.client("sqs", endpoint_url=moto_reset, region_name="us-east-1")
    assert sqs.get_queue_url(QueueName=f"{prefix}parsing")["QueueUrl"]


def test_parse_failures_are_counted_by_reason(client, token, candidate, settings):
    missing = make_resume(owner=candidate, status=Resume.Status.UPLOADED)
    missing.file.delete(save=False)
    resume_services.extract_resume_text(resume_id=missing.pk)  # the stored file is gone
    worn_out = make_resume(
        owner=candidate, status=Resume.Status.EXTRACTING, attempts=settings.RESUME_MAX_ATTEMPTS
    )
    resume_services.extract_resume_text(resume_id=worn_out.pk)  # interrupted too often
    odd = make_resume(owner=candidate, status=Resume.Status.UPLOADED)
    resume_services.fail_resume(
        resume_id=odd.pk, code=Resume.Failure.UNPARSEABLE, reason="Something nobody foresaw."
    )
    # A row failed before failure codes existed, whose sentence the migration did not know.
    legacy = make_resume(owner=candidate, status=Resume.Status.FAILED)
    Resume.objects.filter(pk=legacy.pk).update(error="An old sentence.", failure_code="")
    make_resume(owner=candidate)  # parsed: not a failure
    assert Resume.objects.filter(status=Resume.Status.FAILED).count() == 4

    text = scrape(client)
    name = "talentmatch_resume_parse_failures"
    assert value(text, name, reason="file_missing") == 1
    assert value(text, name, reason="interrupted") == 1
    assert value(text, name, reason="unparseable") == 1
    assert value(text, name, reason="other") == 1
    assert label_values(text, name, "reason") == {
        "file_missing",
        "interrupted",
        "unparseable",
        "other",
    }


def test_match_recompute_lag_is_the_age_of_the_oldest_change_not_yet_recomputed(
    client, token, acme, candidate, other_candidate
):
    job = make_job(acme)
    carol = CandidateProfile.objects.create(user=candidate)
    dave = CandidateProfile.objects.create(user=other_candidate)
    now = timezone.now()  # computed after both sides last changed
    for profile in (carol, dave):
        Match.objects.create(
            job=job, candidate=profile, score=0.5, inputs_hash="h", computed_at=now
        )
    text = scrape(client)
    assert value(text, "talentmatch_match_stale_pairs") == 0
    assert value(text, "talentmatch_match_recompute_lag_seconds") == 0

    # The job changed 2 minutes after both matches were computed 5 minutes ago; carol's
    # profile changed 1 minute ago.
    Match.objects.update(computed_at=now - timedelta(minutes=5))
    type(job).objects.filter(pk=job.pk).update(updated_at=now - timedelta(minutes=3))
    CandidateProfile.objects.filter(pk=carol.pk).update(updated_at=now - timedelta(minutes=1))
    text = scrape(client)
    assert value(text, "talentmatch_match_stale_pairs") == 2
    assert 180 <= value(text, "talentmatch_match_recompute_lag_seconds") < 200

    # The job's recompute rewrote its pairs (computed_at is now): nothing waits any more.
    Match.objects.update(computed_at=timezone.now())
    text = scrape(client)
    assert value(text, "talentmatch_match_stale_pairs") == 0
    assert value(text, "talentmatch_match_recompute_lag_seconds") == 0


def test_an_unreachable_broker_leaves_the_rest_of_the_page(client, token, settings):
    from config.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        text = scrape(client)
    finally:
        app.conf.broker_url = previous
    assert value(text, "talentmatch_scrape_ok", part="queues") == 0
    assert value(text, "talentmatch_scrape_ok", part="resumes") == 1
    assert "talentmatch_queue_depth{" not in text


# --- Worker figures on the web's page ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_task_run_by_the_worker_shows_on_the_webs_metrics(
    celery_worker, client, token, recruiter, acme
):
    from accounts.models import Invitation
    from accounts.tasks import send_invitation_email

    task = "accounts.tasks.send_invitation_email"
    before = scrape(client)
    invitation = Invitation.objects.create(company=acme, email="m@acme.test", invited_by=recruiter)
    send_invitation_email.delay(invitation.pk)
    send_invitation_email.delay("not-a-number")  # raises in the worker: a failure

    def counted() -> bool:
        text = scrape(client)
        runs = value(text, "talentmatch_celery_task_duration_seconds_count", task=task)
        failures = value(text, "talentmatch_celery_task_failures_total", task=task)
        previous = value(before, "talentmatch_celery_task_duration_seconds_count", task=task)
        return runs - previous >= 2 and failures >= 1

    celery_worker.wait_for(counted, timeout=60)
    text = scrape(client)
    assert value(text, "talentmatch_celery_task_duration_seconds_sum", task=task) > 0


# --- Cost ----------------------------------------------------------------------------------


def test_the_metrics_middleware_adds_little_to_a_request(settings, rf):
    """/healthz through the test client with and without it, and its own work alone (run -s)."""
    from django.http import HttpResponse
    from django.test import Client
    from django.urls import resolve

    from config.observability.metrics import MetricsMiddleware

    def per_request(middleware: list[str], count: int = 200) -> float:
        settings.MIDDLEWARE = middleware
        probe = Client()
        probe.get("/healthz")  # the chain is built on the first request
        started = time.perf_counter()
        for _ in range(count):
            probe.get("/healthz")
        return (time.perf_counter() - started) / count

    with_it = list(settings.MIDDLEWARE)
    without = [m for m in with_it if not m.endswith("MetricsMiddleware")]
    assert len(without) == len(with_it) - 1
    # Interleaved rounds (1000 requests each way), best round: other load on the machine
    # moves both alike.
    rounds = [(per_request(without), per_request(with_it)) for _ in range(5)]
    base, measured = min(r[0] for r in rounds), min(r[1] for r in rounds)

    # The middleware's own work, around a view that answers at once.
    request = rf.get("/healthz")
    request.resolver_match = resolve("/healthz")
    response = HttpResponse("ok")
    middleware = MetricsMiddleware(lambda request: response)
    started = time.perf_counter()
    for _ in range(10000):
        middleware(request)
    own = (time.perf_counter() - started) / 10000
    print(
        f"\n/healthz via the test client: {base * 1e6:.0f} µs without, {measured * 1e6:.0f} µs "
        f"with the metrics middleware (ratio {measured / base:.3f}); the middleware's own work: "
        f"{own * 1e6:.1f} µs per request ({own / base:.1%} of the request)"
    )
    assert own < 0.0005  # half a millisecond even on a loaded machine
