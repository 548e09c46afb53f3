"""Each profile's candidate facts as built for the scorer, kept per version of the profile row.

`matching_profilefacts` is a cache the ranking pool reads and writes itself in raw SQL
(`matching.services.pool`, `matching.factrows`): `version` is the `xmin` of the profile row
the facts were built from (any change of the row gives it a new one), `format` the code's
`FACTS_FORMAT`, `data` the JSON document (`json`: key order is kept). A stale or
missing row is rebuilt and upserted by the next pool that needs it, so there is no foreign key
to keep and no model: triggers drop the row of a deleted profile and empty the table when the
profiles are truncated (a test database flush).
"""

from django.db import migrations

TABLE = "matching_profilefacts"

CREATE = f"""
CREATE TABLE {TABLE} (
    profile_id bigint PRIMARY KEY,
    version text NOT NULL,
    format smallint NOT NULL,
    data json NOT NULL
);

CREATE FUNCTION matching_profilefacts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {TABLE} WHERE profile_id = OLD.id;
    RETURN NULL;
END $$;

CREATE FUNCTION matching_profilefacts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {TABLE};
    RETURN NULL;
END $$;

CREATE TRIGGER matching_profilefacts_delete AFTER DELETE ON resumes_candidateprofile
    FOR EACH ROW EXECUTE FUNCTION matching_profilefacts_delete();
CREATE TRIGGER matching_profilefacts_truncate AFTER TRUNCATE ON resumes_candidateprofile
    FOR EACH STATEMENT EXECUTE FUNCTION matching_profilefacts_truncate();
"""  # noqa: S608 (constant names, no user input)

DROP = f"""
DROP TRIGGER matching_profilefacts_delete ON resumes_candidateprofile;
DROP TRIGGER matching_profilefacts_truncate ON resumes_candidateprofile;
DROP FUNCTION matching_profilefacts_delete();
DROP FUNCTION matching_profilefacts_truncate();
DROP TABLE {TABLE};
"""


class Migration(migrations.Migration):
    dependencies = [("matching", "0006_candidate_vectors")]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=DROP)]
