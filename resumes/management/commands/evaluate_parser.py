"""`manage.py evaluate_parser DIR`: the issue's name for `evaluate_parsing` (same command)."""

from resumes.management.commands.evaluate_parsing import Command

__all__ = ["Command"]
