"""Synthetic candidates and jobs for `manage.py bench_matching`.

Vectors are perturbations of real embeddings: a few dozen role descriptions are embedded with the
configured model, and each synthetic profile is one of them plus Gaussian noise, renormalised,
so the data has the clustered shape of real profiles (not uniform noise, which makes HNSW look
better or worse than it is). `random_vectors=True` draws uniform unit vectors instead.
Skills come from the taxonomy, biased towards the role's own skills; countries follow a skewed
distribution so that one country holds about 5 % of the profiles (the selective filter).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

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
# One country at ~5 %: the selective filter of the benchmark.
COUNTRIES = ["US"] * 30 + ["DE"] * 15 + ["GB"] * 12 + ["FR"] * 10 + ["IN"] * 10 + ["BR"] * 8
COUNTRIES += ["CA"] * 5 + ["NL"] * 5 + ["PT"] * 5
SELECTIVE_COUNTRY = "PT"
SENIORITY = ["Junior", "", "Senior", "Lead"]


@dataclass(frozen=True)
class SyntheticProfile:
    headline: str
    summary: str
    skills: list[str]
    country: str
    years: float
    vector: list[float]


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
) -> list[SyntheticProfile]:
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    roles = list(ROLES.items())
    all_skills = sorted(known_skills or {s for _, skills in roles for s in skills})
    picks = rng.integers(0, len(roles), size=n)
    if random_vectors:
        vectors = rng.normal(size=(n, bases.shape[1])).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    else:
        vectors = perturb(bases[picks], rng, sigma)
    out = []
    for i in range(n):
        text, role_skills = roles[picks[i]]
        own = [
            s
            for s in role_skills
            if pyrng.random() < 0.8 and (not known_skills or s in known_skills)
        ]
        extra = pyrng.sample(all_skills, k=min(3, len(all_skills)))
        level = pyrng.choice(SENIORITY)
        out.append(
            SyntheticProfile(
                headline=f"{level} {text.split(' ', 2)[0]} {text.split(' ', 2)[1]}".strip(),
                summary=text,
                skills=sorted(set(own + extra)),
                country=pyrng.choice(COUNTRIES),
                years=round(pyrng.uniform(0, 20), 1),
                vector=vectors[i].tolist(),
            )
        )
    return out
