"""Synthetic candidates and jobs for `manage.py bench_matching`, loaded with binary COPY.

Vectors stand in for the embeddings of the profiles' own texts (`Composer`): each profile's
text is its role, its skills and an ESCO activity, and its vector the fitted combination of
those parts' real embeddings (the command prints how close that is to embedding the text).
`blobs` (role vectors plus isotropic noise, the earlier generator) and uniform random vectors
remain as options: both put noise in dimensions no text uses. Each profile has one or two
experience entries whose vectors perturb the profile's own (one `ExperienceVector` row each, as
the services store them), skills from the taxonomy biased
towards the role's own, years, a salary expectation in its country's currency, languages, a
degree, a remote preference and the work authorization of its country, so the re-rank computes
every component and the hard filters select. Countries follow a skewed distribution: one holds
~10 % of the profiles, one ~5 % and one ~1 % (the filtered queries).

Speed (a million profiles in minutes, not hours): vectors are drawn a chunk at a time in numpy
and sent as pgvector's binary form (`vector_bytes`: the whole chunk converted at once); rows go
through PostgreSQL's binary COPY (`copy_binary`), so no float is ever formatted as text; the
per-row Python is a few string joins. `bulk_load` drops the loaded tables' secondary indexes
before the COPY and rebuilds them after (with more maintenance memory and parallel workers), and
skips foreign-key triggers (`session_replication_role = replica`: every id is generated here).
That also skips the triggers that keep retrieval's narrow `matching_candidatevector` and
`matching_candidateskill` tables: the command COPYs each chunk's vectors and filter columns,
and its (skill, profile) rows, into them as well (`copy_table`).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

from matching.bench_vectors import ACTIVITIES, Composer

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
COUNTRY_SHARES = {
    "US": 30, "DE": 15, "GB": 12, "FR": 10, "IN": 10, "BR": 8, "CA": 5, "NL": 4, "PT": 5, "IE": 1,
}  # fmt: skip
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
# Remote preferences: most candidates take any workplace; remote-only ones leave on-site pools.
REMOTE_SHARES = {"any": 70, "onsite": 10, "hybrid": 14, "remote": 6}
EXPERIENCE_SIGMA = 0.05


@dataclass
class Chunk:
    """One chunk of synthetic profiles, column by column (`rows()` yields them row by row)."""

    start: int
    headline: list[str]
    summary: list[str]
    skills: list[list[str]]
    country: list[str]
    city: list[str]
    years: np.ndarray
    salary: np.ndarray
    remote: list[str]
    degree: list[str]
    experiences: list[list[dict[str, Any]]]
    vectors: np.ndarray  # (n, d) float32, unit
    entry_vectors: np.ndarray  # (n, 2, d) float32, unit; entry_counts[i] of them are used
    entry_counts: np.ndarray
    roles: np.ndarray | None = None  # the role of each profile (an index into ROLES)
    activities: np.ndarray | None = None  # with a composer: its activity of each profile

    def __len__(self) -> int:
        return len(self.headline)


def role_vectors(embedder) -> np.ndarray:
    return np.asarray(embedder.embed(list(ROLES)), dtype=np.float32)


def perturb(base: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    noisy = base + sigma * rng.standard_normal(size=base.shape, dtype=np.float32)
    return noisy / np.linalg.norm(noisy, axis=-1, keepdims=True)


RARE_SKILLS = 2000  # taxonomy skills a profile may list beside its role's (30 % list one)


def _pick(rng: np.random.Generator, shares: dict[str, int], size: int) -> np.ndarray:
    keys = np.array(list(shares))
    weights = np.array(list(shares.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=weights / weights.sum())]


def chunks(
    n: int,
    bases: np.ndarray,
    *,
    seed: int = 7,
    sigma: float = 0.03,
    random_vectors: bool = False,
    known_skills: set[str] | None = None,
    composer: Composer | None = None,
    rare: int = RARE_SKILLS,
    size: int = 25000,
) -> Iterator[Chunk]:
    """n synthetic profiles, `size` at a time (a million vectors are not held at once).

    With a `composer` (the default of the command), each profile's vector is composed from its
    own role, skills and activity (`Composer`), and its summary is that text; without one,
    `bases` perturbed by isotropic noise of `sigma` per dimension (the "blobs"), or uniform
    random vectors."""
    rng = np.random.default_rng(seed)
    roles = list(ROLES.items())
    texts = [text for text, _ in roles]
    role_skills = [
        [s for s in skills if not known_skills or s in known_skills] for _, skills in roles
    ]
    common, rare_pool = skill_pools(known_skills, role_skills, rare)
    for start in range(0, n, size):
        m = min(size, n - start)
        picks = rng.integers(0, len(roles), size=m)
        if random_vectors:
            vectors = rng.normal(size=(m, bases.shape[1])).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        elif composer is None:
            vectors = perturb(bases[picks], rng, sigma)
        else:
            vectors = np.empty((m, bases.shape[1]), dtype=np.float32)  # filled below
        activities = rng.integers(0, len(composer.activities) if composer else 1, size=m)
        entries = np.empty((m, 2, bases.shape[1]), dtype=np.float32)  # filled below
        counts = np.where(rng.random(m) < 0.5, 1, 2)
        countries = _pick(rng, COUNTRY_SHARES, m)
        city_pick = rng.integers(0, 2, size=m)
        levels = rng.integers(0, len(SENIORITY), size=m)
        years = np.round(rng.uniform(0, 20, size=m), 1)
        keep_own = rng.random((m, 5)) < 0.8
        extra_common = rng.integers(0, len(common), size=(m, 2))
        extra_rare = np.where(rng.random(m) < 0.3, rng.integers(0, len(rare_pool), size=m), -1)
        chunk = Chunk(
            start=start, headline=[], summary=[], skills=[], country=[], city=[], years=years,
            salary=np.round(rng.uniform(30_000, 140_000, size=m), -3).astype(np.int64),
            remote=_pick(rng, REMOTE_SHARES, m).tolist(),
            degree=np.array(DEGREES)[rng.integers(0, len(DEGREES), size=m)].tolist(),
            experiences=[], vectors=vectors, entry_vectors=entries, entry_counts=counts,
            roles=picks, activities=activities,
        )  # fmt: skip
        for i in range(m):
            r = int(picks[i])
            text = texts[r]
            words = text.split(" ", 2)
            role = f"{words[0]} {words[1]}"
            headline = f"{SENIORITY[levels[i]]} {role}".strip()
            country = str(countries[i])
            skills = {s for s, keep in zip(role_skills[r], keep_own[i], strict=False) if keep}
            skills.update(common[j] for j in extra_common[i])
            if extra_rare[i] >= 0:
                skills.add(rare_pool[extra_rare[i]])
            first = 2024 - int(years[i])
            chunk.headline.append(headline)
            chunk.summary.append(composer.text(r, sorted(skills), activities[i]) if composer
                                 else text)  # fmt: skip
            chunk.skills.append(sorted(skills))
            chunk.country.append(country)
            cities = CITIES[country]
            chunk.city.append(cities[city_pick[i] % len(cities)])
            chunk.experiences.append(
                [
                    {
                        "title": headline if j == 0 else role,
                        "company": f"Company {j}",
                        "description": text,
                        "start": f"{first + 2 * j}-01",
                        "end": None,
                    }
                    for j in range(int(counts[i]))
                ]
            )
        if composer is not None:
            chunk.vectors = vectors = composer.vectors(picks, chunk.skills, activities, rng)
        chunk.entry_vectors = perturb(
            np.repeat(vectors[:, None, :], 2, axis=1), rng, EXPERIENCE_SIGMA
        )
        yield chunk


def skill_pools(
    known_skills: set[str] | None, role_skills: list[list[str]], rare: int = RARE_SKILLS
) -> tuple[list[str], list[str]]:
    """Extra skills a profile may list besides its role's: the roles' common skills, and a
    fixed sample of `rare` taxonomy skills."""
    common = sorted({s for skills in role_skills for s in skills})
    known = sorted(known_skills or common)
    picked = np.random.default_rng(5).choice(len(known), size=min(rare, len(known)), replace=False)
    return common, sorted({known[i] for i in picked} | set(common))


def composer_for(
    embedder,
    known_skills: set[str],
    *,
    rare: int = RARE_SKILLS,
    activities: int = ACTIVITIES,
    fit: int = 1500,
) -> Composer:
    """The composer of `chunks(..., rare=rare)`, fitted on `fit` profiles' real embeddings."""
    from resumes.skills import get_skill

    role_skills = [[s for s in skills if s in known_skills] for skills in ROLES.values()]
    _, pool = skill_pools(known_skills, role_skills, rare)
    names = {slug: get_skill(slug).name for slug in pool}
    composer = Composer.build(embedder, list(ROLES), names, activities=activities)
    # A throwaway sample of the same generator, its own seed: the profiles the fit sees.
    [sample] = chunks(fit, composer.role_vectors, seed=99, known_skills=known_skills,
                      composer=composer, rare=rare)  # fmt: skip
    composer.fit(embedder, sample)
    return composer


def languages(country: str) -> list[str]:
    return ["en", *([LANGUAGES[country]] if country in LANGUAGES else [])]


def vector_bytes(vectors: np.ndarray) -> list[bytes]:
    """pgvector's binary form of each row (dimension, 0, big-endian float4s), the whole array
    converted at once."""
    n, d = vectors.shape
    head = np.frombuffer(struct.pack(">HH", d, 0), dtype=np.uint8)
    body = np.ascontiguousarray(vectors, dtype=">f4").view(np.uint8).reshape(n, 4 * d)
    rows = np.hstack([np.broadcast_to(head, (n, 4)), body])
    return [row.tobytes() for row in rows]


# --- loading -----------------------------------------------------------------------------


def _column_types(table: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid::int FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        return dict(cursor.fetchall())


BYTEA_OID = 17  # raw bytes, sent unchanged: how pre-built pgvector values are passed


def copy_binary(
    model: Any, columns: list[str], rows: Iterable[tuple], *, raw: Iterable[str] = ()
) -> int:
    """Binary COPY of rows (values for `columns`) into the model's table.

    Columns in `raw` take `bytes` already in the server's binary form (pgvector values from
    `vector_bytes`). Every other column gets the model's default, prepared once as Django
    would; a NOT NULL date without a default (`auto_now`) gets the current time.
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
    return copy_table(model._meta.db_table, names, ((*row, *tail) for row in rows), raw=[*raw])


def copy_table(
    table: str, columns: list[str], rows: Iterable[tuple], *, raw: Iterable[str] = ()
) -> int:
    """Binary COPY of rows (one value per column) into a table, model or not; columns in `raw`
    take bytes in the server's binary form."""
    types = _column_types(table)
    raw = set(raw)
    oids = [BYTEA_OID if name in raw else types[name] for name in columns]
    count = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        with cursor.copy(statement) as copy:  # type: ignore[arg-type]
            copy.set_types(oids)
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


@contextmanager
def bulk_load(tables: list[str], *, maintenance_work_mem: str = "1GB") -> Iterator[list[str]]:
    """Load into `tables` without their secondary indexes and foreign-key triggers; the
    indexes are rebuilt after (their statements are yielded, to report)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) "
            "AND NOT i.indisprimary AND NOT i.indisunique",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET session_replication_role = replica")
    try:
        yield [definition for _, definition in indexes]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute(f"SET maintenance_work_mem = '{maintenance_work_mem}'")
            cursor.execute("SET max_parallel_maintenance_workers = 2")
            for _, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("RESET max_parallel_maintenance_workers")


def jsonb(value: Any) -> Jsonb:
    return Jsonb(value)
