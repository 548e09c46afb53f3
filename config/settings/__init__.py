"""Talentmatch settings: one package, driven by environment variables.

Every integration has an embedded default that needs no cloud account; a ``USE_<ENGINE>``
flag (or a URL) switches it to the managed service. A flag that is on with a required value
missing fails at boot with ``ImproperlyConfigured``, never on the first request.
The README has a table of every variable read here.

The sections live in three modules, each building on the one before: `base` (core, database,
cache, auth, API), `services` (Celery, storage, email and SMS, security, i18n, logging) and
`domains` (one section per app, then observability). This package is what
DJANGO_SETTINGS_MODULE names; it exposes the last module's names.
"""

from config.settings.domains import *  # noqa: F403
