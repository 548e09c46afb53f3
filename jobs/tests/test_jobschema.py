"""JSON Resume job-schema postings: field mapping, import as jobs, and the import_jobs command."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from jobs.jobschema import import_jobschema, job_values
from jobs.models import Job

pytestmark = pytest.mark.django_db

EVAL_JOBS = Path("/work/shared/eval/matching-dev/jobs")

FULL_POSTING = {
    "title": "Senior Python Engineer",
    "company": "Acme Robotics",
    "type": "Full-time",
    "date": "2025-05-01",
    "description": "We build software for robot fleets.",
    "location": {
        "address": "Hauptstraße 1",
        "postalCode": "10115",
        "city": "Berlin",
        "region": "Berlin",
        "countryCode": "de",
    },
    "remote": "Hybrid",
    "salary": "€70,000 - 90,000",
    "experience": "Senior, 5-8 years",
    "responsibilities": ["Design the fleet API", "Review code"],
    "qualifications": ["Python in production"],
    "skills": [
        {"name": "Python", "level": "Expert", "keywords": ["Django", "Celery", "PostgreSQL"]},
        {"name": "Django", "keywords": ["Postgres", "Redis"]},
        {"name": "Xyzzy Frobnicator", "keywords": ["Unheard-of Tool"]},
        {"name": "python 3"},
    ],
}

MINIMAL_POSTING = {
    "title": "Data Analyst",
    "description": "Dashboards.",
    "location": {"city": "Oslo"},
}


def test_a_full_posting_maps_to_every_field():
    assert job_values(FULL_POSTING) == {
        "title": "Senior Python Engineer",
        "description": (
            "We build software for robot fleets.\n\n"
            "Responsibilities:\n\n- Design the fleet API\n- Review code\n\n"
            "Qualifications:\n\n- Python in production"
        ),
        "city": "Berlin",
        "region": "Berlin",
        "country": "DE",
        "workplace": Job.Workplace.HYBRID,
        "employment_type": Job.EmploymentType.FULL_TIME,
        "seniority": Job.Seniority.SENIOR,
        "years_min": 5,
        "years_max": 8,
        "required_skills": ["python", "django"],
        "preferred_skills": ["celery", "postgresql", "redis"],
        "salary_min": 70000,
        "salary_max": 90000,
        "salary_currency": "EUR",
        "salary_period": Job.SalaryPeriod.YEAR,
    }


def test_a_minimal_posting_states_only_title_description_place_and_workplace():
    assert job_values(MINIMAL_POSTING) == {
        "title": "Data Analyst",
        "description": "Dashboards.",
        "city": "Oslo",
        "workplace": Job.Workplace.ONSITE,
    }


def test_responsibilities_alone_make_the_description():
    values = job_values({"title": "Welder", "responsibilities": ["Weld", " ", "Inspect"]})
    assert values["description"] == "Responsibilities:\n\n- Weld\n- Inspect"


@pytest.mark.parametrize(
    ("remote", "workplace"),
    [
        ("Full", Job.Workplace.REMOTE),
        ("remote", Job.Workplace.REMOTE),
        ("YES", Job.Workplace.REMOTE),
        ("true", Job.Workplace.REMOTE),
        (True, Job.Workplace.REMOTE),
        ("Hybrid", Job.Workplace.HYBRID),
        ("None", Job.Workplace.ONSITE),
        (None, Job.Workplace.ONSITE),
    ],
)
def test_remote_maps_to_the_workplace(remote, workplace):
    assert job_values({**MINIMAL_POSTING, "remote": remote})["workplace"] == workplace


@pytest.mark.parametrize(
    ("kind", "employment_type"),
    [
        ("Part-time", Job.EmploymentType.PART_TIME),
        ("part time", Job.EmploymentType.PART_TIME),
        ("contract", Job.EmploymentType.CONTRACT),
        ("INTERNSHIP", Job.EmploymentType.INTERNSHIP),
        ("Temporary", Job.EmploymentType.TEMPORARY),
        ("Freelance", None),
    ],
)
def test_type_maps_to_an_employment_type_or_is_left_out(kind, employment_type):
    assert job_values({**MINIMAL_POSTING, "type": kind}).get("employment_type") == employment_type


@pytest.mark.parametrize(
    ("experience", "expected"),
    [
        ("5+ years", {"years_min": 5}),
        ("Mid-level", {"seniority": Job.Seniority.MID}),
        ("Sr., 3-5 years", {"seniority": Job.Seniority.SENIOR, "years_min": 3, "years_max": 5}),
        ("Junior to Mid", {}),
        ("Lots", {}),
    ],
)
def test_experience_gives_seniority_and_years_when_it_states_them(experience, expected):
    values = job_values({**MINIMAL_POSTING, "experience": experience})
    stated = {k: values[k] for k in ("seniority", "years_min", "years_max") if k in values}
    assert stated == expected


@pytest.mark.parametrize(
    ("salary", "expected"),
    [
        ("$90,000 - 120,000", (90000, 120000, "USD")),
        ("€50k-60k", (50000, 60000, "EUR")),
        ("90000 USD", (90000, 90000, "USD")),
        ("£45,000 to £55,000 per year", (45000, 55000, "GBP")),
        ("$90-120k", (90000, 120000, "USD")),
        ("CAD $80,000 - 95,000", (80000, 95000, "CAD")),
        ("up to €70k", (None, 70000, "EUR")),
    ],
)
def test_an_unambiguous_salary_is_parsed_as_yearly(salary, expected):
    values = job_values({**MINIMAL_POSTING, "salary": salary})
    assert (values["salary_min"], values["salary_max"], values["salary_currency"]) == expected
    assert values["salary_period"] == Job.SalaryPeriod.YEAR


@pytest.mark.parametrize(
    "salary",
    [
        "Competitive",
        "90,000 - 120,000",  # no currency
        "€50k - $60k",  # two currencies
        "$90k base + $20k bonus",  # two amounts, not a range
        "$45-60/hr",  # not yearly
        "C$90k",  # which dollar?
        "$120k - 90k",  # upside down
        "$40 - 60",  # hourly or thousands?
        90000,
    ],
)
def test_an_ambiguous_salary_is_left_out(salary):
    values = job_values({**MINIMAL_POSTING, "salary": salary})
    assert not {"salary_min", "salary_max", "salary_currency", "salary_period"} & set(values)


def test_a_country_code_that_is_not_two_letters_is_ignored():
    values = job_values(
        {**MINIMAL_POSTING, "location": {"city": "Cincinnati", "countryCode": "USA"}}
    )
    assert "country" not in values


@pytest.mark.parametrize(
    ("posting", "message"),
    [
        ({"description": "No title."}, "A job-schema posting needs a title."),
        ({"title": "  ", "description": "Blank title."}, "A job-schema posting needs a title."),
        (
            {"title": "Welder"},
            "A job-schema posting needs a description, responsibilities or qualifications.",
        ),
        ({**MINIMAL_POSTING, "location": "Berlin"}, "Job schema: 'location' must be an object."),
        ({**MINIMAL_POSTING, "skills": "Python, Django"}, "Job schema: 'skills' must be a list."),
        (
            {**MINIMAL_POSTING, "responsibilities": "Everything"},
            "Job schema: 'responsibilities' must be a list.",
        ),
        (["not", "an", "object"], "A job-schema posting is a JSON object."),
    ],
)
def test_bad_input_is_refused_with_a_message(posting, message):
    with pytest.raises(ValidationError) as error:
        job_values(posting)
    assert error.value.messages == [message]


def test_import_creates_an_open_published_job_of_the_company(acme, recruiter):
    job = import_jobschema(company=acme, created_by=recruiter, posting=FULL_POSTING)
    job.refresh_from_db()
    assert (job.company, job.created_by, job.status) == (acme, recruiter, Job.Status.OPEN)
    assert job.published_at is not None
    assert job.required_skills == ["python", "django"]
    assert job.salary_label == "70,000-90,000 EUR per year"


def test_import_without_publishing_leaves_a_draft(acme, recruiter):
    job = import_jobschema(
        company=acme, created_by=recruiter, posting=MINIMAL_POSTING, publish=False
    )
    assert job.status == Job.Status.DRAFT
    assert job.published_at is None


def test_import_lets_the_models_validation_error_through(acme, recruiter):
    posting = {"title": "Welder", "description": "Welding."}  # on-site, but nowhere
    with pytest.raises(ValidationError) as error:
        import_jobschema(company=acme, created_by=recruiter, posting=posting)
    assert error.value.message_dict == {
        "city": ["On-site and hybrid jobs need a city or a country."]
    }
    assert not Job.objects.exists()


def write(path: Path, content) -> str:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def import_jobs(*files: str, **options) -> str:
    out = StringIO()
    options = {"company": "acme", "user": "alice@acme.test", **options}
    call_command("import_jobs", *files, stdout=out, **options)
    return out.getvalue()


def test_the_command_imports_a_list_and_a_single_posting(acme, recruiter, tmp_path):
    many = write(tmp_path / "many.json", [FULL_POSTING, MINIMAL_POSTING])
    one = write(tmp_path / "one.json", {**MINIMAL_POSTING, "title": "Data Engineer"})
    output = import_jobs(many, one)
    jobs = list(Job.objects.order_by("id"))
    assert [job.title for job in jobs] == [
        "Senior Python Engineer",
        "Data Analyst",
        "Data Engineer",
    ]
    assert all(job.company == acme and job.status == Job.Status.OPEN for job in jobs)
    assert output.splitlines() == [
        f"job {jobs[0].pk}: Senior Python Engineer (open)",
        f"job {jobs[1].pk}: Data Analyst (open)",
        f"job {jobs[2].pk}: Data Engineer (open)",
        "Imported 3 jobs from 2 files into Acme Robotics.",
    ]


def test_the_command_keeps_drafts_when_asked(acme, recruiter, tmp_path):
    output = import_jobs(write(tmp_path / "one.json", MINIMAL_POSTING), draft=True)
    job = Job.objects.get()
    assert job.status == Job.Status.DRAFT
    assert f"job {job.pk}: Data Analyst (draft)" in output


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ({"company": "initech"}, "No company with slug 'initech'."),
        ({"user": "mallory@acme.test"}, "No user with email 'mallory@acme.test'."),
        ({"user": "charlie@globex.test"}, "charlie@globex.test is not a member of Acme Robotics."),
    ],
)
def test_the_command_refuses_who_may_not_import(
    acme, recruiter, other_recruiter, tmp_path, who, message
):
    with pytest.raises(CommandError) as error:
        import_jobs(write(tmp_path / "one.json", MINIMAL_POSTING), **who)
    assert str(error.value) == message
    assert not Job.objects.exists()


def test_the_command_refuses_invalid_json_before_importing_any_file(acme, recruiter, tmp_path):
    good = write(tmp_path / "good.json", MINIMAL_POSTING)
    bad = write(tmp_path / "bad.json", '{"title": "Welder",')
    with pytest.raises(CommandError) as error:
        import_jobs(good, bad)
    assert str(error.value).startswith(f"{bad}: not valid JSON (")
    assert not Job.objects.exists()


def test_the_command_refuses_a_missing_file(acme, recruiter, tmp_path):
    missing = str(tmp_path / "missing.json")
    with pytest.raises(CommandError) as error:
        import_jobs(missing)
    assert str(error.value) == f"{missing}: cannot read the file (No such file or directory)."


def test_an_invalid_posting_keeps_nothing_of_its_file(acme, recruiter, tmp_path):
    good = write(tmp_path / "good.json", MINIMAL_POSTING)
    bad = write(tmp_path / "bad.json", [FULL_POSTING, {"description": "Who are we hiring?"}])
    with pytest.raises(CommandError) as error:
        import_jobs(good, bad)
    assert str(error.value) == (
        f"{bad}: posting at index 1: A job-schema posting needs a title. "
        "Nothing from this file was imported."
    )
    assert list(Job.objects.values_list("title", flat=True)) == ["Data Analyst"]


def test_a_posting_the_job_model_refuses_is_reported_with_the_field(acme, recruiter, tmp_path):
    bad = write(tmp_path / "bad.json", {"title": "Welder", "description": "Welding."})
    with pytest.raises(CommandError) as error:
        import_jobs(bad)
    assert str(error.value) == (
        f"{bad}: posting at index 0: city: On-site and hybrid jobs need a city or a country. "
        "Nothing from this file was imported."
    )
    assert not Job.objects.exists()


@pytest.mark.skipif(not EVAL_JOBS.is_dir(), reason="the matching-dev evaluation set is missing")
def test_a_real_posting_file_loads(acme, recruiter):
    output = import_jobs(str(EVAL_JOBS / "j002.json"))
    job = Job.objects.get()
    assert output.startswith(f"job {job.pk}: Machine Learning Research Engineer (open)\n")
    assert (job.city, job.region, job.country) == ("Ottawa", "Ontario", "CA")
    assert job.workplace == Job.Workplace.ONSITE
    assert "deepfake detection" in job.description
