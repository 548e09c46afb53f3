"""A narrow table of candidate vectors for retrieval, kept by triggers on the profiles.

`resumes_candidateprofile` rows are wide (texts, JSON experiences, skills): the 384-d
`embedding` (1.5 kB, pgvector's default EXTERNAL storage) lives out of line in TOAST, so an
exact scan detoasts every row, and the vector index shares the buffer cache with the whole
profile. `matching_candidatevector` holds per embedded profile only what retrieval reads: the
vector (STORAGE PLAIN: always inline, never compressed or moved out), its model and the columns
of the hard filters (remote-only, work authorization, country). It has its own HNSW index (on
the half-precision cast of the vector: half the pages of a full-precision index, the same
neighbours to within rounding; the service re-orders the over-fetched rows by the full-precision
distance) and a GIN index on the work authorization (the exact path of selective filters).

Triggers on the profiles keep it: a profile inserted with a vector, or updated in a column the
table holds, is upserted (only when a value changed: Django's `save()` rewrites every column);
one whose vector is cleared, or deleted, loses its row; a TRUNCATE of the profiles empties it.
Existing vectors are copied in. Bulk loads that switch triggers off (`session_replication_role
= replica`, as `bench_matching` does) must fill it themselves.
"""

from django.db import migrations

TABLE = "matching_candidatevector"
COLUMNS = "profile_id, embedding_model, remote_only, work_authorization, country, embedding"
FROM_PROFILE = (
    "{p}.id, {p}.embedding_model, {p}.remote_preference = 'remote', {p}.work_authorization, "
    "{p}.country, {p}.embedding"
)

CREATE = f"""
CREATE TABLE {TABLE} (
    profile_id bigint PRIMARY KEY,
    embedding_model varchar(100) NOT NULL,
    remote_only boolean NOT NULL,
    work_authorization varchar(2)[] NOT NULL,
    country varchar(120) NOT NULL,
    embedding vector(384) NOT NULL
);
ALTER TABLE {TABLE} ALTER COLUMN embedding SET STORAGE PLAIN;

CREATE FUNCTION matching_candidatevector_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.embedding IS NULL THEN
        DELETE FROM {TABLE} WHERE profile_id = NEW.id;
    ELSE
        INSERT INTO {TABLE} ({COLUMNS}) VALUES ({FROM_PROFILE.format(p="NEW")})
        ON CONFLICT (profile_id) DO UPDATE SET
            embedding_model = EXCLUDED.embedding_model, remote_only = EXCLUDED.remote_only,
            work_authorization = EXCLUDED.work_authorization, country = EXCLUDED.country,
            embedding = EXCLUDED.embedding;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION matching_candidatevector_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE} WHERE profile_id = OLD.id;
    RETURN NULL;
END $$;

CREATE FUNCTION matching_candidatevector_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {TABLE};
    RETURN NULL;
END $$;

CREATE TRIGGER matching_candidatevector_insert AFTER INSERT ON resumes_candidateprofile
    FOR EACH ROW WHEN (NEW.embedding IS NOT NULL)
    EXECUTE FUNCTION matching_candidatevector_upsert();
CREATE TRIGGER matching_candidatevector_update AFTER UPDATE ON resumes_candidateprofile
    FOR EACH ROW WHEN (
        OLD.embedding IS DISTINCT FROM NEW.embedding
        OR OLD.embedding_model IS DISTINCT FROM NEW.embedding_model
        OR OLD.remote_preference IS DISTINCT FROM NEW.remote_preference
        OR OLD.work_authorization IS DISTINCT FROM NEW.work_authorization
        OR OLD.country IS DISTINCT FROM NEW.country
    )
    EXECUTE FUNCTION matching_candidatevector_upsert();
CREATE TRIGGER matching_candidatevector_delete AFTER DELETE ON resumes_candidateprofile
    FOR EACH ROW EXECUTE FUNCTION matching_candidatevector_delete();
CREATE TRIGGER matching_candidatevector_truncate AFTER TRUNCATE ON resumes_candidateprofile
    FOR EACH STATEMENT EXECUTE FUNCTION matching_candidatevector_truncate();

INSERT INTO {TABLE} ({COLUMNS})
SELECT {FROM_PROFILE.format(p="p")} FROM resumes_candidateprofile p WHERE p.embedding IS NOT NULL;

CREATE INDEX matching_candidatevector_hnsw ON {TABLE}
    USING hnsw ((embedding::halfvec(384)) halfvec_cosine_ops) WITH (m = 16, ef_construction = 64);
CREATE INDEX matching_candidatevector_auth_gin ON {TABLE} USING gin (work_authorization);
"""  # noqa: S608 (constant names, no user input)

DROP = f"""
DROP TRIGGER matching_candidatevector_insert ON resumes_candidateprofile;
DROP TRIGGER matching_candidatevector_update ON resumes_candidateprofile;
DROP TRIGGER matching_candidatevector_delete ON resumes_candidateprofile;
DROP TRIGGER matching_candidatevector_truncate ON resumes_candidateprofile;
DROP FUNCTION matching_candidatevector_upsert();
DROP FUNCTION matching_candidatevector_delete();
DROP FUNCTION matching_candidatevector_truncate();
DROP TABLE {TABLE};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_experience_vectors"),
        ("resumes", "0003_profile_filter_indexes"),
    ]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=DROP)]
