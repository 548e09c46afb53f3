"""Candidate retrieval searches `matching_candidatevector` (0006) and its own indexes: the HNSW
index on the wide profile rows (0002) is no longer read, while every profile write still paid
for it (2 GB at a million profiles). The jobs' index stays (retrieval of jobs for a candidate)."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS matching_profile_embedding_hnsw ON resumes_candidateprofile "
    "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
)


class Migration(migrations.Migration):
    dependencies = [("matching", "0010_profile_facts")]

    operations = [
        migrations.RunSQL(
            sql="DROP INDEX IF EXISTS matching_profile_embedding_hnsw", reverse_sql=CREATE
        )
    ]
