"""Synthetic candidates and jobs for `manage.py bench_matching`, loaded with COPY.

Vectors are perturbations of real embeddings: a few dozen role descriptions are embedded with the
configured model, and each synthetic profile is one of them plus Gaussian noise, renormalised,
so the data has the clustered shape of real profiles (not uniform noise, which makes HNSW look
better or worse than it is). `random_vectors=True` draws uniform unit vectors instead. Each
profile has one or two experience entries whose vectors perturb the profile's own (stored in
`ProfileVectors` as the services store them), skills from the taxonomy biased towards the role's
own, years, a salary expectation in its country's currency, languages and a degree, so the
re-rank computes every component. Countries follow a skewed distribution: one holds ~10 % of
the profiles, one ~5 % and one ~1 % (the filtered queries).

Rows are written with PostgreSQL COPY (`copy_rows`): an ORM `bulk_create` of a million
profiles with their vectors would take most of an hour.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

# role description -> its usual skills (taxonomy slugs)
_ROLE_ROWS = [
    ("Backend developer building REST APIs in Python and Django",
     "python django postgresql docker rest-api"),
    ("Frontend engineer writing React and TypeScript single-page apps",
     "javascript typescript react css html"),
    ("Data scientist training machine learning models with scikit-learn",
     "python machine-learning pandas sql scikit-learn"),
    ("DevOps engineer running Kubernetes clusters on AWS with Terraform",
     "kubernetes aws terraform docker linux"),
    ("Mobile developer shipping iOS apps in Swift",
     "swift ios git rest-api ci-cd"),
    ("Android developer building Kotlin apps",
     "kotlin android java git ci-cd"),
    ("Java backend engineer with Spring Boot microservices",
     "java spring kafka postgresql docker"),
    ("Data engineer building Spark pipelines and Airflow DAGs",
     "spark airflow python sql aws"),
    ("QA automation engineer writing Selenium and Cypress tests",
     "selenium cypress javascript ci-cd git"),
    ("Product designer doing UX research and Figma prototypes",
     "figma ux-design user-research prototyping html"),
    ("Engineering manager leading agile software teams",
     "agile scrum leadership jira python"),
    ("Security engineer doing penetration testing and threat modeling",
     "penetration-testing linux python networking aws"),
    ("Embedded engineer programming C firmware for microcontrollers",
     "c cpp embedded linux git"),
    ("Machine learning engineer deploying PyTorch models",
     "pytorch python docker kubernetes mlops"),
    ("Full-stack developer with Node.js, React and MongoDB",
     "nodejs react mongodb javascript typescript"),
    ("Site reliability engineer on-call for Go services with Prometheus",
     "go prometheus kubernetes linux grafana"),
    ("Business analyst writing SQL reports and Power BI dashboards",
     "sql power-bi excel stakeholder-management agile"),
    ("Robotics engineer working with ROS and computer vision",
     "ros cpp python opencv computer-vision"),
    ("PHP developer maintaining Laravel applications",
     "php laravel mysql javascript docker"),
    ("Ruby on Rails developer building SaaS products",
     "ruby rails postgresql redis javascript"),
]  # fmt: skip
ROLES = {text: skills.split() for text, skills in _ROLE_ROWS}
# Filter selectivity: FR ~10 %, PT ~5 %, IE ~1 % of the profiles.
COUNTRIES = ["US"] * 30 + ["DE"] * 15 + ["GB"] * 12 + ["FR"] * 10 + ["IN"] * 10 + ["BR"] * 8
COUNTRIES += ["CA"] * 5 + ["NL"] * 4 + ["PT"] * 5 + ["IE"] * 1
FILTER_COUNTRIES = {"FR": "~10%", "PT": "~5%", "IE": "~1%"}
CITIES = {
    "US": ["New York", "Austin"], "DE": ["Berlin", "Munich"], "GB": ["London"],
    "FR": ["Paris", "Lyon"], "IN": ["Bangalore"], "BR": ["Sao Paulo"], "CA": ["Toronto"],
    "NL": ["Amsterdam"], "PT": ["Lisbon", "Porto"], "IE": ["Dublin"],
}  # fmt: skip
CURRENCY = {"US": "USD", "GB": "GBP", "IN": "INR", "BR": "BRL", "CA": "CAD"}  # else EUR
LANGUAGES = {"DE": "de", "FR": "fr", "BR": "pt", "PT": "pt", "NL": "nl"}  # besides English
SENIORITY = ["Junior", "", "Senior", "Lead"]
DEGREES = ["Bachelor of Science", "Master of Science", "High School Diploma", ""]
EXPERIENCE_SIGMA = 0.05


@dataclass(frozen=True)
class SyntheticProfile:
    headline: str
    summary: str
    skills: list[str]
    country: str
    city: str
    years: float
    salary: int
    currency: str
    languages: list[str]
    degree: str
    experiences: list[dict[str, Any]]
    vector: np.ndarray
    experience_vectors: np.ndarray


def role_vectors(embedder) -> np.ndarray:
    return np.asarray(embedder.embed(list(ROLES)), dtype=np.float32)


def perturb(base: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    noisy = base + rng.normal(0.0, sigma, size=base.shape).astype(np.float32)
    return noisy / np.linalg.norm(noisy, axis=-1, keepdims=True)


def profiles(
    n: int,
    bases: np.ndarray,
    *,
    seed: int = 7,
    sigma: float = 0.03,
    random_vectors: bool = False,
    known_skills: set[str] | None = None,
    chunk: int = 20000,
) -> Iterator[SyntheticProfile]:
    """n synthetic profiles, generated chunk by chunk (a million vectors do not fit twice)."""
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    roles = list(ROLES.items())
    all_skills = sorted(known_skills or {s for _, skills in roles for s in skills})
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        picks = rng.integers(0, len(roles), size=size)
        if random_vectors:
            vectors = rng.normal(size=(size, bases.shape[1])).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        else:
            vectors = perturb(bases[picks], rng, sigma)
        entries = perturb(np.repeat(vectors[:, None, :], 2, axis=1), rng, EXPERIENCE_SIGMA)
        for i in range(size):
            yield _profile(pyrng, roles[picks[i]], all_skills, known_skills, vectors[i], entries[i])


def _profile(pyrng, role, all_skills, known_skills, vector, entry_vectors) -> SyntheticProfile:
    text, role_skills = role
    own = [
        s for s in role_skills if pyrng.random() < 0.8 and (not known_skills or s in known_skills)
    ]
    extra = pyrng.sample(all_skills, k=min(3, len(all_skills)))
    level = pyrng.choice(SENIORITY)
    words = text.split(" ", 2)
    headline = f"{level} {words[0]} {words[1]}".strip()
    country = pyrng.choice(COUNTRIES)
    years = round(pyrng.uniform(0, 20), 1)
    count = 1 if pyrng.random() < 0.5 else 2
    experiences = [
        {"title": headline if j == 0 else f"{words[0]} {words[1]}", "company": f"Company {j}",
         "description": text, "start": f"{2024 - int(years) + 2 * j}-01", "end": None}
        for j in range(count)
    ]  # fmt: skip
    return SyntheticProfile(
        headline=headline,
        summary=text,
        skills=sorted(set(own + extra)),
        country=country,
        city=pyrng.choice(CITIES[country]),
        years=years,
        salary=int(round(pyrng.uniform(30_000, 140_000), -3)),
        currency=CURRENCY.get(country, "EUR"),
        languages=["en", *([LANGUAGES[country]] if country in LANGUAGES else [])],
        degree=pyrng.choice(DEGREES),
        experiences=experiences,
        vector=vector,
        experience_vectors=entry_vectors[:count],
    )


def rounded(vectors: np.ndarray) -> list:
    """6 decimals: cosines stay within ~1e-6 and the COPY stream is half as long."""
    return np.round(vectors.astype(np.float64), 6).tolist()


def vector_text(vector: np.ndarray) -> str:
    return "[" + ",".join(map(str, rounded(vector))) + "]"


def copy_rows(model: Any, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows (values for `columns`, already in database form) into the model's table.

    Every other column gets the model's default, prepared once as Django would; a NOT NULL
    date without a default (`auto_now`) gets the current time.
    """
    template = model()
    fixed: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key:
            continue
        value = field.get_db_prep_save(getattr(template, field.attname), connection)
        if value is None and not field.null:
            value = timezone.now()
        fixed[field.column] = value
    names = [*columns, *fixed]
    tail = tuple(fixed.values())
    table = model._meta.db_table
    count = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        statement = f"COPY {table} ({', '.join(names)}) FROM STDIN"
        with cursor.copy(statement) as copy:  # type: ignore[arg-type]
            for row in rows:
                copy.write_row((*row, *tail))
                count += 1
    return count


def jsonb(value: Any) -> Jsonb:
    return Jsonb(value, dumps=json.dumps)
