"""The embedded server sizes its memory to the machine (config/embedded_db.py)."""

from __future__ import annotations

import os

from django.db import connection

from config.embedded_db import sized_for_this_machine

GB = 1024**3


def test_a_quarter_of_the_ram_goes_to_shared_buffers_within_bounds():
    assert sized_for_this_machine(1 * GB)["shared_buffers"] == "256MB"
    assert sized_for_this_machine(16 * GB)["shared_buffers"] == "4096MB"
    assert sized_for_this_machine(256 * GB)["shared_buffers"] == "8192MB"  # capped
    small = sized_for_this_machine(256 * 1024**2)
    assert small == {
        "shared_buffers": "128MB",  # never below PostgreSQL's own default
        "effective_cache_size": "512MB",
        "maintenance_work_mem": "64MB",
        "work_mem": "4MB",
    }


def test_the_running_server_has_at_least_the_sizes_for_this_machine(db):
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    wanted = sized_for_this_machine(ram)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting::bigint * CASE unit WHEN '8kB' THEN 8 ELSE 1 END "
            "FROM pg_settings WHERE name IN ('effective_cache_size', 'maintenance_work_mem', "
            "'work_mem')"
        )
        live = dict(cursor.fetchall())
        # shared_buffers needs a restart; what the server will start with next time:
        cursor.execute(
            "SELECT setting FROM pg_file_settings WHERE name = 'shared_buffers' AND applied "
            "OR name = 'shared_buffers' AND sourcefile LIKE '%%postgresql.auto.conf' "
            "ORDER BY seqno DESC LIMIT 1"
        )
        next_start = cursor.fetchone()[0]
    for name, kb in live.items():
        assert kb >= int(wanted[name].removesuffix("MB")) * 1024, name
    assert int(next_start.removesuffix("MB")) >= int(wanted["shared_buffers"].removesuffix("MB"))
