"""The text extraction contract: one method, one result type, two error types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ExtractedText:
    text: str
    engine: str
    pages: int
    ocr_used: bool = False
    ocr_confidence: float | None = None  # mean word confidence in [0, 100] when OCR ran


class ExtractionError(Exception):
    """The document cannot be read, and trying again will not change that (permanent).

    `code` is a `Resume.Failure` value; the message is for people."""

    def __init__(self, message: str, *, code: str = "extraction_failed") -> None:
        super().__init__(message)
        self.code = code


class TransientExtractionError(Exception):
    """A failure worth retrying later (a service throttled us, a timeout, a network error)."""


class TextExtractor(Protocol):
    def extract(self, *, data: bytes, kind: str) -> ExtractedText:
        """Text of a document of `kind` (a `Resume.Kind` value) in reading order."""
        ...
