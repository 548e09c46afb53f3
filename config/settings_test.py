"""Settings for the test suite: the real stack (embedded PostgreSQL, real files), made fast.

pytest-django imports this before any conftest runs, so test environment lives here.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "0")

from config.settings import *  # noqa: F403
from config.settings import DATABASES, STORAGES

# One test database per process, so parallel runs (and xdist workers) never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_talentmatch_{os.getpid()}"}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# A Celery worker started by a test (config.testing) uses that test's database and folders.
if os.environ.get("TALENTMATCH_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["TALENTMATCH_TEST_DB_NAME"]

TEST_RUN_DIR = Path(
    os.environ.get("TALENTMATCH_TEST_RUN_DIR") or tempfile.mkdtemp(prefix="talentmatch-test-")
)
MEDIA_ROOT = TEST_RUN_DIR / "media"
# Metrics of this run's processes (it and its workers) only, not of other runs or `make run`.
os.environ["PROMETHEUS_MULTIPROC_DIR"] = PROMETHEUS_MULTIPROC_DIR = str(TEST_RUN_DIR / "prometheus")
# The filesystem broker under this run's folder, unless a test worker is given another one.
if not os.environ.get("CELERY_BROKER_URL"):
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(TEST_RUN_DIR / "broker" / "queue"),
        "data_folder_out": str(TEST_RUN_DIR / "broker" / "queue"),
        "control_folder": str(TEST_RUN_DIR / "broker" / "control"),
        "store_processed": False,
    }
for _folder in ("queue", "control"):
    (TEST_RUN_DIR / "broker" / _folder).mkdir(parents=True, exist_ok=True)

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
REQUIRE_RECRUITER_MFA = False  # tests that need it switch it on
MATCH_RECOMPUTE_DEBOUNCE_SECONDS = 1  # workers in tests see a change's refresh at once
ACCOUNT_RATE_LIMITS = False
REST_FRAMEWORK = {**REST_FRAMEWORK}  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "10000/min", "user": "10000/min"}
LOGGING = {"version": 1, "disable_existing_loggers": False}
