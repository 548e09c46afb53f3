"""The skills taxonomy and normalizer (pure functions, no database)."""

from __future__ import annotations

import pytest

from resumes.skills import all_skills, find_skills, get_skill, normalize_skill


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("JS", "javascript"),
        ("javascript", "javascript"),
        ("Java Script", "javascript"),
        ("Node.JS", "nodejs"),
        ("node js", "nodejs"),
        ("C++", "cpp"),
        ("c#", "csharp"),
        (".NET", "dotnet"),
        ("ASP.NET Core", "dotnet"),
        ("golang", "go"),
        ("Go", "go"),
        ("R", "r"),
        ("React Native", "react-native"),
        ("ReactJS", "react"),
        ("k8s", "kubernetes"),
        ("CI/CD", "ci-cd"),
        ("Python 3", "python"),
        ("  postgres ", "postgresql"),
        ("scikit-learn", "scikit-learn"),
    ],
)
def test_it_normalizes_aliases_to_one_slug(raw: str, slug: str) -> None:
    assert normalize_skill(raw) == slug


@pytest.mark.parametrize("raw", ["", "   ", "Underwater basket weaving", "foo++"])
def test_it_returns_none_for_unknown_skills(raw: str) -> None:
    assert normalize_skill(raw) is None


def test_the_taxonomy_is_large_and_consistent() -> None:
    skills = all_skills()
    assert len(skills) >= 300
    assert len({s.slug for s in skills}) == len(skills)
    categories = {s.category for s in skills}
    assert {
        "language",
        "framework",
        "database",
        "cloud",
        "devops",
        "data",
        "design",
        "management",
        "soft",
    } <= categories
    python = get_skill("python")
    assert python is not None and python.name == "Python" and python.category == "language"
    assert get_skill("no-such-skill") is None


def test_it_finds_tricky_names_with_their_evidence_line() -> None:
    text = (
        "Summary\nBuilt APIs in C, C++, C# and .NET; front ends in React Native and Node.js.\n"
        "R&D lead"
    )
    mentions = {m.slug: m for m in find_skills(text)}
    assert {"c", "cpp", "csharp", "dotnet", "react-native", "nodejs"} <= set(mentions)
    assert "react" not in mentions  # "React Native" is one skill, not React
    assert "r" not in mentions  # "R&D" is not the R language
    assert mentions["csharp"].text == "C#"
    assert (
        mentions["dotnet"].line
        == "Built APIs in C, C++, C# and .NET; front ends in React Native and Node.js."
    )


def test_ambiguous_short_names_need_their_usual_case() -> None:
    assert [m.slug for m in find_skills("We go to market fast and ship rust-free steel.")] == []
    assert [m.slug for m in find_skills("Services in Go and Rust, plots in R.")] == [
        "go",
        "rust",
        "r",
    ]


def test_each_skill_is_reported_once_at_its_first_mention() -> None:
    mentions = find_skills("Python, Django\nMore Python and python3 here")
    assert [m.slug for m in mentions] == ["python", "django"]
    assert mentions[0].line == "Python, Django"


def test_words_that_are_only_aliases_when_alone_are_ignored_in_sentences() -> None:
    assert find_skills("I moved everything to the cloud and wrote documentation.") == []
    assert normalize_skill("cloud") == "cloud-computing"
