"""The local resume parser on small resumes written here (no files from outside the repo)."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from django.test import override_settings

from resumes.parsing import get_resume_parser
from resumes.parsing.base import ResumeParseError
from resumes.parsing.dates import find_date_ranges, merged_years, normalize_date
from resumes.parsing.local import LocalResumeParser

ONE_COLUMN = """\
Jane Q. Doe
Senior Backend Engineer
Berlin, Germany
jane.doe@example.org | +49 30 1234 5678
github.com/janedoe · https://www.linkedin.com/in/jane-doe/

SUMMARY
Backend engineer who likes boring, reliable systems.

WORK EXPERIENCE
Senior Backend Engineer at Acme Robotics GmbH Jan 2019 \u2013 Present
Berlin, Germany
• Built the order pipeline in Python and Django on PostgreSQL.
• Moved deployments to Kubernetes.
Software Developer at Globex Corporation 03/2015 - 12/2018
Munich, Germany
• Wrote services in Go and Java.

EDUCATION
Bachelor of Science in Computer Science at Technical University of Munich 2011 - 2015

SKILLS
Python · Django · PostgreSQL · Kubernetes
Go, Java, Team leadership

LANGUAGES
German (native), English (fluent)
"""

# Company on the date line and the title below it; dates as "2019-2021", "Jun-25" and "'15".
COMPANY_FIRST = """\
Ana María López
ana@example.com
(415) 555-0100

Experience
Initech 2019-2021
Data Scientist
Built churn models with scikit-learn and pandas, deployed on AWS.

Hooli Jun-21 - Jun-25
Machine Learning Engineer
Trained models in PyTorch.

Umbrella Labs '15 - '17
Research Intern

Education
Stanford University
MSc, Statistics
2017 - 2019
"""


def parse(text: str):
    return LocalResumeParser().parse(text)


def test_it_parses_a_one_column_resume() -> None:
    resume = parse(ONE_COLUMN)
    assert resume.name == "Jane Q. Doe"
    assert resume.headline == "Senior Backend Engineer"
    assert resume.email == "jane.doe@example.org"
    assert resume.phone == "+49 30 1234 5678"
    assert resume.phone_e164 == "+493012345678"
    assert (resume.city, resume.country) == ("Berlin", "Germany")
    assert resume.urls == ["github.com/janedoe", "https://www.linkedin.com/in/jane-doe/"]
    assert resume.summary == "Backend engineer who likes boring, reliable systems."
    first, second = resume.experiences
    assert (first.title, first.company, first.location) == (
        "Senior Backend Engineer",
        "Acme Robotics GmbH",
        "Berlin, Germany",
    )
    assert (first.start, first.end, first.is_current) == ("2019-01", None, True)
    assert "order pipeline" in first.description
    assert (second.title, second.company) == ("Software Developer", "Globex Corporation")
    assert (second.start, second.end, second.is_current) == ("2015-03", "2018-12", False)
    (school,) = resume.educations
    assert school.institution == "Technical University of Munich"
    assert (school.degree, school.field, school.end) == (
        "Bachelor of Science",
        "Computer Science",
        "2015",
    )
    assert resume.skills == [
        "python",
        "django",
        "postgresql",
        "kubernetes",
        "go",
        "java",
        "team leadership",
    ]
    assert {"python", "django", "postgresql", "kubernetes", "go", "java"} <= {
        m.slug for m in resume.skill_slugs
    }
    assert resume.languages == ["german", "english"]
    assert resume.engine == "local-1"


def test_years_of_experience_merge_overlapping_jobs() -> None:
    resume = parse(ONE_COLUMN)
    today = date.today()
    expected = round(((today.year - 2015) * 12 + today.month - 3 + 1) / 12, 1)
    assert resume.years_of_experience == pytest.approx(expected, abs=0.1)
    assert merged_years([("2015-01", "2016-12"), ("2016-01", "2017-12"), ("2020", "2020")]) == 4.0


def test_it_reads_company_first_layouts_and_short_date_forms() -> None:
    resume = parse(COMPANY_FIRST)
    assert resume.name == "Ana María López"
    assert resume.phone == "(415) 555-0100"
    rows = [(e.company, e.title, e.start, e.end) for e in resume.experiences]
    assert rows == [
        ("Initech", "Data Scientist", "2019", "2021"),
        ("Hooli", "Machine Learning Engineer", "2021-06", "2025-06"),
        ("Umbrella Labs", "Research Intern", "2015", "2017"),
    ]
    (school,) = resume.educations
    assert (school.institution, school.degree, school.field, school.end) == (
        "Stanford University",
        "MSc",
        "Statistics",
        "2019",
    )
    assert {"scikit-learn", "pandas", "aws", "pytorch"} <= {m.slug for m in resume.skill_slugs}


@pytest.mark.parametrize(
    ("printed", "start", "end", "current"),
    [
        ("Jan 2019 \u2013 Present", "2019-01", None, True),
        ("01/2017 - 03/2019", "2017-01", "2019-03", False),
        ("2019-2021", "2019", "2021", False),
        ("Sept. 2010 to June 2012", "2010-09", "2012-06", False),
        ("2025-11-06 — 2026-01-25", "2025-11", "2026-01", False),
        ("2018-08-12 —", "2018-08", None, True),
        ("'15 - '17", "2015", "2017", False),
        ("Aug 2018 - Current", "2018-08", None, True),
        ("Mar 2009 = Jun 2011", "2009-03", "2011-06", False),  # OCR read the dash as "="
        ("Mar 2009 \u2014 Jan. auil", "2009-03", None, False),  # unreadable end is not "now"
    ],
)
def test_it_reads_date_ranges(printed: str, start: str, end: str | None, current: bool) -> None:
    (found,) = find_date_ranges(printed)
    assert (found.start, found.end, found.is_current) == (start, end, current)


def test_single_dates_normalize() -> None:
    assert normalize_date("Jun-25") == "2025-06"
    assert normalize_date("December 2013") == "2013-12"
    assert normalize_date("2019/3") == "2019-03"
    assert normalize_date("Invalid date") is None


def test_it_survives_ocr_noise() -> None:
    noisy = """\
J0HN SMITH
john.smith@example.com  ·  +1 (212) 555-0199
New York, NY

W0RK EXPERIENCE
Experience
Backend Developer at Stark lndustries Inc. Feb 2020 - Now
~ Wrote Python services ; used Docker and AWS
Skills
Python, Docker, AWS, Terraform
"""
    resume = parse(noisy)
    assert resume.email == "john.smith@example.com"
    assert resume.phone == "+1 (212) 555-0199"
    assert (resume.city, resume.region) == ("New York", "NY")
    (job,) = resume.experiences
    assert (job.title, job.company, job.start, job.is_current) == (
        "Backend Developer",
        "Stark lndustries Inc.",
        "2020-02",
        True,
    )
    assert resume.skills == ["python", "docker", "aws", "terraform"]


def test_two_column_noise_does_not_invent_entries() -> None:
    # A sidebar read line by line into the main column: skills interleave with the jobs.
    text = """\
Lee Chan
lee@example.com
Skills Experience
Python Kinsol Research Inc. 05/2019 - 08/2019
Docker Machine Learning Consultant
SQL
Languages
English
"""
    resume = parse(text)
    assert resume.name == "Lee Chan"
    assert len(resume.experiences) <= 1
    assert {"python", "docker", "sql"} <= {m.slug for m in resume.skill_slugs}


def test_it_refuses_empty_text() -> None:
    with pytest.raises(ResumeParseError):
        parse("   \n  ")


def test_to_dict_is_json_serialisable() -> None:
    import json

    data = parse(ONE_COLUMN).to_dict()
    assert json.loads(json.dumps(data))["experiences"][0]["company"] == "Acme Robotics GmbH"
    assert data["skill_slugs"][0]["slug"] == "python"


def test_a_real_docx_document_parses() -> None:
    document = docx.Document()
    document.add_heading("Maria Rossi", level=0)
    document.add_paragraph("maria.rossi@example.it")
    document.add_paragraph("Milan, Italy")
    document.add_heading("Work Experience", level=1)
    document.add_paragraph("Nov 2021 - Present")
    document.add_paragraph("Frontend Developer")
    document.add_paragraph("Bending Spoons")
    document.add_paragraph("Built the web app in TypeScript and React.", style="List Bullet")
    document.add_heading("Skills", level=1)
    table = document.add_table(rows=1, cols=3)
    for cell, skill in zip(table.rows[0].cells, ["TypeScript", "React", "Figma"]):
        cell.text = skill
    buffer = io.BytesIO()
    document.save(buffer)

    # The text a DOCX extractor gives: paragraphs in order, then table cells.
    reread = docx.Document(io.BytesIO(buffer.getvalue()))
    lines = [p.text for p in reread.paragraphs]
    lines += [cell.text for row in reread.tables[0].rows for cell in row.cells]
    resume = parse("\n".join(lines))

    assert resume.name == "Maria Rossi"
    assert (resume.city, resume.country) == ("Milan", "Italy")
    (job,) = resume.experiences
    assert (job.title, job.company, job.start, job.is_current) == (
        "Frontend Developer",
        "Bending Spoons",
        "2021-11",
        True,
    )
    assert resume.skills == ["typescript", "react", "figma"]


def test_the_parser_backend_comes_from_settings() -> None:
    get_resume_parser.cache_clear()
    assert isinstance(get_resume_parser(), LocalResumeParser)
    with override_settings(
        RESUME_PARSER={"BACKEND": "resumes.parsing.baseline.RegexBaselineParser", "OPTIONS": {}}
    ):
        assert type(get_resume_parser()).__name__ == "RegexBaselineParser"
    assert isinstance(get_resume_parser(), LocalResumeParser)


def test_it_rejoins_an_email_broken_by_a_narrow_column() -> None:
    text = "Kim Park\nAbout\tExperience\nkim.park@gmail.co\tAcme Inc. 2020 - 2021\nm\tEngineer\n"
    assert parse(text).email == "kim.park@gmail.com"


def test_a_page_break_continues_the_work_history_of_a_two_column_layout() -> None:
    # Page 1: work (main column), then the side column (skills); page 2 goes on with work.
    text = """\
Sam Lee
WORK EXPERIENCE
Acme Inc.
January 2020 - Present
Software Engineer
SKILLS
Python
Docker

Globex Corporation
March 2017 - December 2019
Data Analyst
"""
    resume = parse(text)
    assert [(e.company, e.title) for e in resume.experiences] == [
        ("Acme Inc.", "Software Engineer"),
        ("Globex Corporation", "Data Analyst"),
    ]
    assert resume.skills == ["python", "docker"]


def test_skill_grids_split_on_wide_gaps_and_keep_group_names() -> None:
    text = (
        "Ana Silva\nSkills\nReact Native\tRuby on Rails\tRobotics (ROS)\n"
        "Technical Skills\nLanguages\nGo, Rust\n"
    )
    resume = parse(text)
    assert resume.skills == [
        "react native",
        "ruby on rails",
        "robotics (ros)",
        "technical skills",
        "languages",
        "go",
        "rust",
    ]
    assert resume.languages == []


def test_courses_stay_inside_their_education_entry() -> None:
    text = """\
Li Wei
Education
Georgia Institute of Technology\t2012-08-20 - 2013-08-03
Electrical and Computer Engineering
Master of Science
Courses
ECE 6390 - Satellite Communication
Georgia Institute of Technology\t2007-08-20 - 2012-05-05
Electrical and Computer Engineering
Bachelor of Science
"""
    rows = [(e.institution, e.degree, e.field, e.end) for e in parse(text).educations]
    assert rows == [
        (
            "Georgia Institute of Technology",
            "Master of Science",
            "Electrical and Computer Engineering",
            "2013-08",
        ),
        (
            "Georgia Institute of Technology",
            "Bachelor of Science",
            "Electrical and Computer Engineering",
            "2012-05",
        ),
    ]


def test_it_reads_places_with_regions_and_country_codes() -> None:
    resume = parse("Ana Lima\nOttawa, Ontario (CA)\n")
    assert (resume.city, resume.region, resume.country) == ("Ottawa", "Ontario", "CA")
    resume = parse("Ana Lima\nPhoenix, AZ\nana@example.com\n")
    assert (resume.city, resume.region, resume.country) == ("Phoenix", "AZ", "")
    resume = parse("Kaique Azevedo\nSoftware Engineer\nFlorianópolis, Santa Catarina\n")
    assert (resume.city, resume.region) == ("Florianópolis", "Santa Catarina")


def test_a_side_column_list_without_heading_is_read_as_skills() -> None:
    text = """\
Mario M. Gray
Staff Engineer
About
California US
marioagray.com
Mario M Gray
Engineering
Process Development
Image Processing
CAD Design
Summary
Staff engineer who scales manufacturing processes.
"""
    resume = parse(text)
    assert resume.skills == ["engineering", "process development", "image processing", "cad design"]
    assert "computer-vision" in {m.slug for m in resume.skill_slugs}
