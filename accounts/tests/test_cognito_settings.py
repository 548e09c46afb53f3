"""USE_COGNITO reads its values from the environment at boot and fails loudly without them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COGNITO_ENV = {
    "USE_COGNITO": "1",
    "COGNITO_REGION": "eu-west-1",
    "COGNITO_USER_POOL_ID": "eu-west-1_Pool123",
    "COGNITO_CLIENT_ID": "client123",
    "COGNITO_DOMAIN": "https://talentmatch.auth.eu-west-1.amazoncognito.com",
}
PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
loaded = {"issuer": settings.COGNITO_ISSUER, "providers": settings.SOCIALACCOUNT_PROVIDERS}
print(json.dumps(loaded))
"""


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    """Import config.settings in a fresh interpreter with only these variables set."""
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    base.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="settings-test-key",
        # A URL is enough: settings never connect, and the embedded server is not started.
        DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cognito_settings_build_both_providers_from_the_environment():
    result = load_settings(**COGNITO_ENV)

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool123"
    assert loaded["issuer"] == issuer
    web = loaded["providers"]["amazon_cognito"]
    assert web["DOMAIN"] == COGNITO_ENV["COGNITO_DOMAIN"]
    assert web["APPS"][0]["client_id"] == "client123"
    mobile = loaded["providers"]["openid_connect"]["APPS"][0]
    assert mobile["provider_id"] == "cognito"
    assert mobile["settings"]["server_url"] == issuer


@pytest.mark.parametrize("missing", ["COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_DOMAIN"])
def test_cognito_without_a_required_value_fails_at_boot(missing):
    env = {key: value for key, value in COGNITO_ENV.items() if key != missing}

    result = load_settings(**env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr
