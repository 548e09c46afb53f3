"""Stand-ins for remote services at the network edge (never for project code)."""

from __future__ import annotations

from resumes.extraction.base import ExtractedText, TransientExtractionError


class UnavailableExtractor:
    """A remote extractor that is always down (throttled, timing out)."""

    calls = 0

    def extract(self, *, data: bytes, kind: str) -> ExtractedText:
        type(self).calls += 1
        raise TransientExtractionError("the service is throttling us")
