"""The settings of `bench_parser --workers N`'s worker: the test worker's, with persistent
database connections as deployed (`DATABASE_CONN_MAX_AGE`, 60 s by default).

The test suite closes every connection after each task (CONN_MAX_AGE 0) so test databases
can be dropped at once; a benchmark of the worker's throughput would then time a new
PostgreSQL connection per task that no deployment makes. The benchmark stops its worker
before it drops its database.
"""

from config.settings_test import *  # noqa: F403
from config.settings_test import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 60
