"""General layout cases of the local parser (text as extractors give it, no database)."""

from __future__ import annotations

from resumes.parsing.local import LocalResumeParser


def parse(text: str):
    return LocalResumeParser().parse(text)


def test_skills_of_two_grid_columns_run_together_are_separated() -> None:
    parsed = parse(
        "Jane Doe\njane@example.test\nSkills\n"
        "React · HTML · Redux · Android ·\nNextJS · Angular iOS · KMM\n"
        "Hadoop · SPARK Jenkins · Docker\n"
    )
    assert {"angular", "ios", "spark", "jenkins", "kmm"} <= set(parsed.skills)
    assert "angular ios" not in parsed.skills and "spark jenkins" not in parsed.skills


def test_a_skill_of_two_ordinary_words_stays_whole() -> None:
    parsed = parse("Jane Doe\njane@example.test\nSkills\nApplied Math, Node Maven\n")
    assert "applied math" in parsed.skills
    assert {"node", "maven"} <= set(parsed.skills)
