"""Bitmaps of open jobs per facet value, skill, city and salary band, kept by triggers.

`jobs_searchbits` holds one bit string per key: 'all', 'workplace:remote', 'employment_type:…',
'seniority:…', 'country:DE', 'company:12', 'city:berlin', 'rskill:python' (a required skill:
the skills facet), 'skill:python' (required or preferred: the skill filters) and
'salary:EUR:8' (visible annual maximum 80,000-89,999 EUR). Bit i is set exactly while job i is
open and has that value. Every bit string has the same length (the capacity, grown in steps
of 8192 past the highest job id), so a filter is an AND/OR of a few of them and each facet
count is `bit_count(filter & key)`: counting 100k jobs reads ~12 kB per key instead of every
matching row. Statement triggers on `jobs_searchrow` keep them exact in the transaction that
changes a job; each writer locks the 'all' row first, which orders concurrent writers.
"""

from django.db import migrations, models

FORWARD = """
CREATE TABLE jobs_searchbits (key text PRIMARY KEY, bits varbit NOT NULL);
-- Out of line and uncompressed: reading the keys never reads the bits; random bits do not
-- compress.
ALTER TABLE jobs_searchbits ALTER COLUMN bits SET STORAGE EXTERNAL;
INSERT INTO jobs_searchbits VALUES ('all', B'');

CREATE FUNCTION jobs_searchbits_keys(r jobs_searchrow) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['all', 'workplace:' || r.workplace, 'employment_type:' || r.employment_type,
                 'seniority:' || r.seniority, 'country:' || r.country,
                 'company:' || r.company_id, 'city:' || r.city]
        || ARRAY(SELECT DISTINCT 'rskill:' || s FROM unnest(r.required_skills) s)
        || ARRAY(SELECT DISTINCT 'skill:' || s FROM unnest(r.skills) s)
        || CASE WHEN r.salary IS NULL THEN '{}'::text[]
                ELSE ARRAY['salary:' || r.salary_currency || ':' || (r.salary / 10000)] END
        || ARRAY(SELECT 'head:' || w FROM unnest(tsvector_to_array(r.head)) w
                 WHERE w NOT LIKE 'sk:%')
$$;

-- Bits of the words of the full text ('word:<lexeme>'), kept like the head words: only for
-- the words `jobs_searchbits_refresh_words` chose.
CREATE FUNCTION jobs_searchbits_text(removed jobs_searchtext[], added jobs_searchtext[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    k text;
    rm varbit;
    am varbit;
BEGIN
    SELECT length(bits) INTO cap FROM jobs_searchbits WHERE key = 'all' FOR UPDATE;
    FOR k, rm, am IN
        SELECT p.k, jobs_searchbits_mask(array_agg(p.i) FILTER (WHERE NOT p.adding), cap),
               jobs_searchbits_mask(array_agg(p.i) FILTER (WHERE p.adding), cap)
        FROM (SELECT 'word:' || w AS k, r.job_id AS i, false AS adding
              FROM unnest(removed) r, unnest(tsvector_to_array(r.document)) w
              UNION ALL
              SELECT 'word:' || w, a.job_id, true
              FROM unnest(added) a, unnest(tsvector_to_array(a.document)) w) p
        WHERE EXISTS (SELECT 1 FROM jobs_searchbits b WHERE b.key = p.k)
        GROUP BY p.k ORDER BY p.k
    LOOP
        UPDATE jobs_searchbits SET bits = (bits & ~rm) | am WHERE key = k;
    END LOOP;
END
$$;

-- Bits for every head word and full-text word of at least `min_jobs` open jobs (rarer words
-- are matched through the GIN indexes: few rows), and none for the others.
CREATE FUNCTION jobs_searchbits_refresh_words(min_jobs integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    kept integer;
BEGIN
    SELECT length(bits) INTO cap FROM jobs_searchbits WHERE key = 'all' FOR UPDATE;
    DELETE FROM jobs_searchbits WHERE key LIKE 'head:%' OR key LIKE 'word:%';
    INSERT INTO jobs_searchbits (key, bits)
    SELECT 'head:' || w, jobs_searchbits_mask(array_agg(r.job_id), cap)
    FROM jobs_searchrow r, unnest(tsvector_to_array(r.head)) w
    WHERE w NOT LIKE 'sk:%' GROUP BY w HAVING count(*) >= min_jobs;
    INSERT INTO jobs_searchbits (key, bits)
    SELECT 'word:' || w, jobs_searchbits_mask(array_agg(t.job_id), cap)
    FROM jobs_searchtext t, unnest(tsvector_to_array(t.document)) w
    WHERE w NOT LIKE 'sk:%' GROUP BY w HAVING count(*) >= min_jobs;
    SELECT count(*) INTO kept FROM jobs_searchbits WHERE key LIKE 'head:%' OR key LIKE 'word:%';
    RETURN kept;
END
$$;

-- A bit string of `len` bits with the bits of `ids` set (every id below len).
CREATE FUNCTION jobs_searchbits_mask(ids bigint[], len integer) RETURNS varbit
LANGUAGE sql IMMUTABLE AS $$
    SELECT rpad(coalesce(string_agg(lpad('1', (id - prev)::integer, '0'), '' ORDER BY id), ''),
                len, '0')::varbit
    FROM (SELECT id, coalesce(lag(id) OVER (ORDER BY id), -1) AS prev
          FROM (SELECT DISTINCT id FROM unnest(ids) AS u(id) WHERE id IS NOT NULL) d) x
$$;

-- The bits of the removed rows' keys cleared, then those of the added rows' keys set.
CREATE FUNCTION jobs_searchbits_apply(removed jobs_searchrow[], added jobs_searchrow[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    top bigint;
    k text;
    rm varbit;
    am varbit;
BEGIN
    INSERT INTO jobs_searchbits VALUES ('all', B'') ON CONFLICT DO NOTHING;
    SELECT length(bits) INTO cap FROM jobs_searchbits WHERE key = 'all' FOR UPDATE;
    SELECT max(a.job_id) INTO top FROM unnest(added) a;
    IF top IS NOT NULL AND top >= cap THEN
        -- Grow every bit string at once (rare: by half at least), so lengths stay equal.
        k := repeat('0', (greatest((top / 8192 + 1) * 8192, cap + cap / 2) - cap)::integer);
        UPDATE jobs_searchbits SET bits = bits || k::varbit;
        cap := cap + length(k);
    END IF;
    FOR k, rm, am IN
        SELECT p.k, jobs_searchbits_mask(array_agg(p.i) FILTER (WHERE NOT p.adding), cap),
               jobs_searchbits_mask(array_agg(p.i) FILTER (WHERE p.adding), cap)
        FROM (SELECT u.k, r.job_id AS i, false AS adding
              FROM unnest(removed) r, unnest(jobs_searchbits_keys(r)) u(k)
              UNION ALL
              SELECT u.k, a.job_id, true
              FROM unnest(added) a, unnest(jobs_searchbits_keys(a)) u(k)) p
        -- Word keys are kept only where `jobs_searchbits_refresh_words` made them.
        WHERE p.k NOT LIKE 'head:%' OR EXISTS (SELECT 1 FROM jobs_searchbits b WHERE b.key = p.k)
        GROUP BY p.k ORDER BY p.k
    LOOP
        IF k NOT LIKE 'head:%' AND k <> 'all' THEN
            INSERT INTO jobs_searchbits VALUES (k, repeat('0', cap)::varbit)
            ON CONFLICT DO NOTHING;
        END IF;
        UPDATE jobs_searchbits SET bits = (bits & ~rm) | am WHERE key = k;
    END LOOP;
END
$$;

-- Every bit string computed again from the search rows (after a bulk load; drops keys no
-- open job has any more).
CREATE FUNCTION jobs_searchbits_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
BEGIN
    INSERT INTO jobs_searchbits VALUES ('all', B'') ON CONFLICT DO NOTHING;
    PERFORM 1 FROM jobs_searchbits WHERE key = 'all' FOR UPDATE;
    SELECT (coalesce(max(job_id), -1) / 8192 + 1) * 8192 INTO cap FROM jobs_searchrow;
    DELETE FROM jobs_searchbits WHERE key <> 'all';
    UPDATE jobs_searchbits SET bits = repeat('0', cap)::varbit WHERE key = 'all';
    INSERT INTO jobs_searchbits (key, bits)
    SELECT u.k, jobs_searchbits_mask(array_agg(r.job_id), cap)
    FROM jobs_searchrow r, unnest(jobs_searchbits_keys(r)) u(k)
    WHERE u.k NOT LIKE 'head:%'
    GROUP BY u.k
    ON CONFLICT (key) DO UPDATE SET bits = EXCLUDED.bits;
END
$$;

CREATE FUNCTION jobs_searchbits_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jobs_searchbits_apply('{}', ARRAY(SELECT ROW(n.*)::jobs_searchrow FROM new_rows n));
    RETURN NULL;
END
$$;
CREATE FUNCTION jobs_searchbits_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jobs_searchbits_apply(ARRAY(SELECT ROW(o.*)::jobs_searchrow FROM old_rows o), ARRAY(SELECT ROW(n.*)::jobs_searchrow FROM new_rows n));
    RETURN NULL;
END
$$;
CREATE FUNCTION jobs_searchbits_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jobs_searchbits_apply(ARRAY(SELECT ROW(o.*)::jobs_searchrow FROM old_rows o), '{}');
    RETURN NULL;
END
$$;
CREATE FUNCTION jobs_searchbits_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jobs_searchbits_rebuild();
    RETURN NULL;
END
$$;
CREATE FUNCTION jobs_searchbits_text_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jobs_searchbits_text('{}', ARRAY(SELECT ROW(n.*)::jobs_searchtext FROM new_rows n));
    RETURN NULL;
END
$$;
CREATE FUNCTION jobs_searchbits_text_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jobs_searchbits_text(ARRAY(SELECT ROW(o.*)::jobs_searchtext FROM old_rows o),
                                 ARRAY(SELECT ROW(n.*)::jobs_searchtext FROM new_rows n));
    RETURN NULL;
END
$$;
CREATE FUNCTION jobs_searchbits_text_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jobs_searchbits_text(ARRAY(SELECT ROW(o.*)::jobs_searchtext FROM old_rows o), '{}');
    RETURN NULL;
END
$$;
CREATE FUNCTION jobs_searchbits_text_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM jobs_searchbits WHERE key LIKE 'word:%';
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_searchbits_text_insert AFTER INSERT ON jobs_searchtext
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_searchbits_text_inserted();
CREATE TRIGGER jobs_searchbits_text_update AFTER UPDATE ON jobs_searchtext
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_searchbits_text_updated();
CREATE TRIGGER jobs_searchbits_text_delete AFTER DELETE ON jobs_searchtext
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_searchbits_text_deleted();
CREATE TRIGGER jobs_searchbits_text_truncate AFTER TRUNCATE ON jobs_searchtext
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_searchbits_text_truncated();
CREATE TRIGGER jobs_searchbits_insert AFTER INSERT ON jobs_searchrow
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_searchbits_inserted();
CREATE TRIGGER jobs_searchbits_update AFTER UPDATE ON jobs_searchrow
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_searchbits_updated();
CREATE TRIGGER jobs_searchbits_delete AFTER DELETE ON jobs_searchrow
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_searchbits_deleted();
CREATE TRIGGER jobs_searchbits_truncate AFTER TRUNCATE ON jobs_searchrow
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_searchbits_truncated();

SELECT jobs_searchbits_rebuild();
SELECT jobs_searchbits_refresh_words(50);
"""
BACKWARD = """
DROP TRIGGER jobs_searchbits_text_truncate ON jobs_searchtext;
DROP TRIGGER jobs_searchbits_text_delete ON jobs_searchtext;
DROP TRIGGER jobs_searchbits_text_update ON jobs_searchtext;
DROP TRIGGER jobs_searchbits_text_insert ON jobs_searchtext;
DROP FUNCTION jobs_searchbits_text_truncated();
DROP FUNCTION jobs_searchbits_text_deleted();
DROP FUNCTION jobs_searchbits_text_updated();
DROP FUNCTION jobs_searchbits_text_inserted();
DROP FUNCTION jobs_searchbits_refresh_words(integer);
DROP FUNCTION jobs_searchbits_text(jobs_searchtext[], jobs_searchtext[]);
DROP TRIGGER jobs_searchbits_truncate ON jobs_searchrow;
DROP TRIGGER jobs_searchbits_delete ON jobs_searchrow;
DROP TRIGGER jobs_searchbits_update ON jobs_searchrow;
DROP TRIGGER jobs_searchbits_insert ON jobs_searchrow;
DROP FUNCTION jobs_searchbits_truncated();
DROP FUNCTION jobs_searchbits_deleted();
DROP FUNCTION jobs_searchbits_updated();
DROP FUNCTION jobs_searchbits_inserted();
DROP FUNCTION jobs_searchbits_rebuild();
DROP FUNCTION jobs_searchbits_apply(jobs_searchrow[], jobs_searchrow[]);
DROP FUNCTION jobs_searchbits_mask(bigint[], integer);
DROP FUNCTION jobs_searchbits_keys(jobs_searchrow);
DROP TABLE jobs_searchbits;
"""


class Migration(migrations.Migration):
    dependencies = [("jobs", "0003_search_tables")]

    operations = [
        migrations.AddIndex(
            model_name="searchrow",
            index=models.Index(fields=["salary_currency", "salary"], name="searchrow_salary"),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
