"""Refusals of the pipeline's workflows."""

from __future__ import annotations


class PipelineError(Exception):
    """A refused action, with a code the API returns and a message a person can read."""

    code = "invalid_transition"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class DuplicateApplication(PipelineError):
    code = "duplicate_application"
