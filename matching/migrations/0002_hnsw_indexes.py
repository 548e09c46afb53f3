"""HNSW (cosine) indexes on the embedding columns of profiles and jobs.

The columns belong to `resumes` and `jobs`; the indexes serve matching's retrieval, so they are
created here with raw SQL (m=16, ef_construction=64: pgvector's defaults) and dropped on reverse,
without editing the other apps' models.
"""

from django.db import migrations

INDEXES = [
    ("matching_profile_embedding_hnsw", "resumes_candidateprofile"),
    ("matching_job_embedding_hnsw", "jobs_job"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("resumes", "0001_initial"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
            ),
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table in INDEXES
    ]
