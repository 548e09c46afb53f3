"""Settings fail loudly at boot, and production values pass Django's deployment checks.

Boot tests run ``config.settings`` (not the test settings) in a fresh interpreter with a
minimal environment, the way a server process starts.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.testing import ROOT

# A database nobody listens on: booting must not need the database (only requests do).
NO_DATABASE = "postgres://talentmatch@/talentmatch?host=/nonexistent"

# Every switch, with the values that turn it on completely; each value is required.
SWITCHES: dict[str, dict[str, str]] = {
    "USE_COGNITO=1": {
        "COGNITO_REGION": "eu-west-1",
        "COGNITO_USER_POOL_ID": "eu-west-1_Abc123",
        "COGNITO_CLIENT_ID": "talentmatch-client",
        "COGNITO_DOMAIN": "https://talentmatch.auth.eu-west-1.amazoncognito.com",
    },
    "USE_S3=1": {"AWS_STORAGE_BUCKET_NAME": "talentmatch-media"},
    "USE_SES=1": {"DEFAULT_FROM_EMAIL": "Talentmatch <noreply@talentmatch.example.com>"},
    "USE_SNS=1": {},  # nothing sends SMS yet; the region has a default
    "USE_TEXTRACT=1": {"TEXTRACT_S3_BUCKET": "talentmatch-textract"},
    "USE_OPENSEARCH=1": {"OPENSEARCH_URL": "https://search.talentmatch.example.com:443"},
    "USE_BEDROCK_JOB_ANALYZER=1": {"BEDROCK_JOB_MODEL_ID": "anthropic.claude-haiku"},
    "USE_BEDROCK=1": {"BEDROCK_MODEL_ID": "anthropic.claude-haiku"},
    "EMBEDDINGS_BACKEND=sagemaker": {"SAGEMAKER_EMBEDDINGS_ENDPOINT": "talentmatch-minilm"},
    "EVENT_STREAM_BACKEND=kinesis": {"EVENT_STREAM_KINESIS_NAME": "talentmatch-events"},
    "EVENT_STREAM_BACKEND=eventbridge": {"EVENT_STREAM_EVENT_BUS": "talentmatch"},
}


def server_env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A server process's environment: production defaults, nothing from this test process."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": NO_DATABASE,
        "TALENTMATCH_VAR_DIR": str(tmp_path / "var"),
        **env,
    }


def boot(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Start `config.settings` in a new interpreter (django.setup() unless args are given)."""
    command = list(args) or ["-c", "import django; django.setup()"]
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=server_env(env, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def switch_env(switch: str) -> dict[str, str]:
    name, value = switch.split("=")
    return {name: value, **SWITCHES[switch]}


def test_every_switch_in_settings_has_a_boot_test():
    source = "\n".join(p.read_text() for p in sorted((ROOT / "config" / "settings").glob("*.py")))
    switches = set(re.findall(r'env\.bool\(\s*"(USE_[A-Z0-9_]+)"', source))
    switches |= set(re.findall(r'because="([^"]+)"', source))  # every require(...) call
    tested = {switch.removesuffix("=1") for switch in SWITCHES}
    assert switches - tested == set(), "add the switch and its required values to SWITCHES"


@pytest.mark.parametrize(
    ("switch", "missing"),
    [(switch, name) for switch, values in SWITCHES.items() for name in values],
)
def test_a_switched_on_integration_missing_a_value_fails_at_boot_naming_it(
    switch, missing, tmp_path
):
    env = switch_env(switch)
    del env[missing]
    result = boot(env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.strip().splitlines()[-1]


def test_every_integration_switched_on_with_its_values_boots(tmp_path):
    env: dict[str, str] = {}
    for switch in SWITCHES:
        env.update(switch_env(switch))
    result = boot(env, tmp_path)
    assert result.returncode == 0, result.stderr


def test_debug_off_without_a_secret_key_fails_at_boot(tmp_path):
    # Empty rather than unset: a developer's .env must not supply one here.
    result = boot({"DJANGO_SECRET_KEY": ""}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("value", "mode"), [("", "auto"), ("auto", "auto"), ("true", "on"), ("0", "off"), ("On", "on")]
)
def test_the_parallel_search_setting_reads_a_mode_or_a_boolean(value, mode, tmp_path):
    env = {"MATCH_PARALLEL_SEARCH": value} if value else {}
    code = "import django; django.setup(); from django.conf import settings; "
    result = boot(env, tmp_path, "-c", code + "print(settings.MATCH_PARALLEL_SEARCH)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == mode


def test_a_bad_parallel_search_setting_fails_at_boot(tmp_path):
    result = boot({"MATCH_PARALLEL_SEARCH": "sometimes"}, tmp_path)
    assert "ImproperlyConfigured: MATCH_PARALLEL_SEARCH must be auto, on or off." in result.stderr


def test_the_deployment_check_passes_with_production_values(tmp_path):
    database = settings.DATABASES["default"]
    env = {
        "DJANGO_ALLOWED_HOSTS": "talentmatch.example.com",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://talentmatch.example.com",
        "DATABASE_URL": f"postgres://postgres@/{database['NAME']}?host={database['HOST']}",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    result = boot(env, tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture
def production_security(settings):
    """The security values config.settings chooses with DEBUG off (the test settings relax them)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_plain_http_is_redirected_to_https(client, production_security):
    response = client.get("/portal/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/portal/"


def test_https_behind_the_proxy_gets_hsts_and_a_content_security_policy(
    client, production_security
):
    response = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_health_probes_answer_over_plain_http_for_the_load_balancer(client, production_security):
    assert client.get("/healthz").status_code == 200
