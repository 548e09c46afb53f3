# syntax=docker/dockerfile:1
# Talentmatch: one image for the web server (gunicorn), the Celery worker and Celery beat.
#   docker build -t talentmatch .
#   docker compose up            # the whole stack, see docker-compose.yml
# Settings come from the environment at run time (README, "Settings"); no secret is baked in.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- htmx from the npm registry, as `make setup` fetches it (no vendored code in git) ------
FROM node:22-bookworm-slim AS assets
ARG HTMX_VERSION=2.0.11
WORKDIR /assets
RUN npm pack --silent "htmx.org@${HTMX_VERSION}" \
 && tar xzf "htmx.org-${HTMX_VERSION}.tgz" \
 && cp package/dist/htmx.min.js htmx.min.js

# --- Python dependencies, pinned by requirements.lock, in a venv -------------------------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
# Only what pip reads: this layer is rebuilt when the dependencies change, not the code.
COPY pyproject.toml requirements.lock README.md ./
# The lock pins torch's CPU build (torch==…+cpu), published on PyTorch's own index; PyPI's
# torch is the multi-GB CUDA build. The project itself runs from /app, so it is uninstalled
# again (without its sources here the package is empty anyway).
RUN pip install -c requirements.lock --extra-index-url https://download.pytorch.org/whl/cpu . \
 && pip uninstall -y talentmatch

# --- The runtime image ---------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# tesseract: OCR for scanned resumes and photos; poppler-utils: pdftoppm rasterises scans.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng poppler-utils \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 --user-group talentmatch
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    TALENTMATCH_VAR_DIR=/app/var
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . .
COPY --from=assets /assets/htmx.min.js static/vendor/htmx.min.js
# Static files are collected into the image; whitenoise serves them. Settings refuse to load
# without a secret key, and a DATABASE_URL keeps them from starting the embedded PostgreSQL
# (collectstatic never connects). Both values live only for this command.
RUN DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@localhost/none \
    python manage.py collectstatic --noinput \
 && mkdir -p var/media \
 && chown -R talentmatch:talentmatch var

USER talentmatch
EXPOSE 8000
# Liveness only (/readyz also checks the database, broker and storage). The probe sends the
# first allowed host name: Django refuses a Host header it does not know.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as r; host = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('*.') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]
# Workers: WEB_CONCURRENCY (read by gunicorn itself), default 1; TLS ends at the proxy, which
# sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--timeout", "60", "--graceful-timeout", "30"]
