"""One row per (skill, profile), kept by triggers on the profiles: the required-skill union's path.

`retrieval.skill_union_sql` wants up to k profiles holding every required skill of a job that
its hard filters admit. The GIN index on `resumes_candidateprofile.skills` answers with a
bitmap: it decodes every posting list involved before the first row comes out, 35-47 ms at a
million profiles for three common skills (~26k holders), whatever k is. Walking one skill's
entries of this primary key in profile order stops as soon as k pass; the hard-filter columns
(remote-only, work authorization) ride in the index (INCLUDE), so a country filter is checked
there and only the rows that pass it are probed for the other skills.

Triggers keep it: a profile inserted with skills, or updated in its skills or filter columns,
has its rows replaced; a deleted one loses them; a TRUNCATE of the profiles empties it. Existing skills are copied in. Bulk loads that switch triggers off
(`session_replication_role = replica`, as `bench_matching` does) must fill it themselves.
"""

from django.db import migrations

TABLE = "matching_candidateskill"
COLUMNS = "skill, profile_id, remote_only, work_authorization"
FROM_PROFILE = "{p}.id, {p}.remote_preference = 'remote', {p}.work_authorization"

CREATE = f"""
CREATE TABLE {TABLE} (
    skill varchar(120) NOT NULL,
    profile_id bigint NOT NULL,
    remote_only boolean NOT NULL,
    work_authorization varchar(2)[] NOT NULL,
    PRIMARY KEY (skill, profile_id) INCLUDE (remote_only, work_authorization)
);

CREATE FUNCTION matching_candidateskill_replace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM {TABLE} WHERE skill = ANY(OLD.skills) AND profile_id = OLD.id;
    END IF;
    INSERT INTO {TABLE} ({COLUMNS})
    SELECT DISTINCT s, {FROM_PROFILE.format(p="NEW")} FROM unnest(NEW.skills) s;
    RETURN NULL;
END $$;

CREATE FUNCTION matching_candidateskill_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE} WHERE skill = ANY(OLD.skills) AND profile_id = OLD.id;
    RETURN NULL;
END $$;

CREATE FUNCTION matching_candidateskill_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {TABLE};
    RETURN NULL;
END $$;

CREATE TRIGGER matching_candidateskill_insert AFTER INSERT ON resumes_candidateprofile
    FOR EACH ROW WHEN (cardinality(NEW.skills) > 0)
    EXECUTE FUNCTION matching_candidateskill_replace();
CREATE TRIGGER matching_candidateskill_update AFTER UPDATE ON resumes_candidateprofile
    FOR EACH ROW WHEN (
        OLD.skills IS DISTINCT FROM NEW.skills
        OR OLD.remote_preference IS DISTINCT FROM NEW.remote_preference
        OR OLD.work_authorization IS DISTINCT FROM NEW.work_authorization
    )
    EXECUTE FUNCTION matching_candidateskill_replace();
CREATE TRIGGER matching_candidateskill_delete AFTER DELETE ON resumes_candidateprofile
    FOR EACH ROW WHEN (cardinality(OLD.skills) > 0)
    EXECUTE FUNCTION matching_candidateskill_delete();
CREATE TRIGGER matching_candidateskill_truncate AFTER TRUNCATE ON resumes_candidateprofile
    FOR EACH STATEMENT EXECUTE FUNCTION matching_candidateskill_truncate();

INSERT INTO {TABLE} ({COLUMNS})
SELECT DISTINCT s, {FROM_PROFILE.format(p="p")} FROM resumes_candidateprofile p, unnest(p.skills) s;
"""  # noqa: S608 (constant names, no user input)

DROP = f"""
DROP TRIGGER matching_candidateskill_insert ON resumes_candidateprofile;
DROP TRIGGER matching_candidateskill_update ON resumes_candidateprofile;
DROP TRIGGER matching_candidateskill_delete ON resumes_candidateprofile;
DROP TRIGGER matching_candidateskill_truncate ON resumes_candidateprofile;
DROP FUNCTION matching_candidateskill_replace();
DROP FUNCTION matching_candidateskill_delete();
DROP FUNCTION matching_candidateskill_truncate();
DROP TABLE {TABLE};
"""


class Migration(migrations.Migration):
    dependencies = [("matching", "0011_drop_wide_profile_hnsw")]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=DROP)]
