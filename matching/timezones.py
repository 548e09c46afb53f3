"""Time-zone overlap between a remote job's allowed zones and where a candidate lives.

A profile records a country, not a zone, so the candidate's zones are every zone of their
country (IANA `zone1970.tab`, which the `tzdata` package and most systems ship); the gap is the
smallest distance in UTC offset between any of those and any of the job's zones, taken on fixed
dates in January and July so that summer time does not make scores depend on the day.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

_TABLES = [
    Path(__file__).resolve().parent,  # placeholder, replaced below when tzdata is installed
    Path("/usr/share/zoneinfo"),
]
try:
    import tzdata

    _TABLES[0] = Path(tzdata.__file__).resolve().parent / "zoneinfo"
except ImportError:  # pragma: no cover - the system database is used instead
    pass
_DATES = (datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC))


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    for folder in _TABLES:
        for name in ("zone1970.tab", "zone.tab"):
            table = folder / name
            if table.is_file():
                zones: dict[str, list[str]] = {}
                for line in table.read_text(encoding="utf-8").splitlines():
                    if line.startswith("#") or not line.strip():
                        continue
                    codes, _, zone = line.split("\t")[:3]
                    for code in codes.split(","):
                        zones.setdefault(code.upper(), []).append(zone)
                return {code: tuple(z) for code, z in zones.items()}
    return {}


@cache
def offsets(zone: str) -> tuple[float, ...]:
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ()
    return tuple(d.astimezone(tz).utcoffset().total_seconds() / 3600 for d in _DATES)  # type: ignore[union-attr]


def hours_apart(job_zones: tuple[str, ...], country: str) -> float | None:
    """Smallest UTC-offset gap between the job's zones and the candidate's country, or None.

    Compared on each reference date separately, then averaged over the dates.
    """
    job = [offsets(z) for z in job_zones]
    candidate = [offsets(z) for z in country_zones().get(country.upper(), ())]
    job, candidate = [o for o in job if o], [o for o in candidate if o]
    if not job or not candidate:
        return None
    gaps = [min(abs(a[i] - b[i]) for a in job for b in candidate) for i in range(len(_DATES))]
    return sum(gaps) / len(gaps)


def timezone_fit(job_zones: tuple[str, ...], country: str) -> float | None:
    """1 within 2 hours, then minus 0.1 per extra hour, floor 0.2."""
    gap = hours_apart(job_zones, country)
    if gap is None:
        return None
    return 1.0 if gap <= 2 else max(0.2, 1.0 - 0.1 * (gap - 2))
