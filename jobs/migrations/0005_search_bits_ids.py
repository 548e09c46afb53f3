"""Pages found from the bit string of the matches, and word bit strings kept in step.

`jobs_searchbits_ids(b)` lists the set bits of a bit string (the job ids of a sparse match
set) by splitting its text form at the ones. The covering index `searchrow_published`
answers "when were these jobs published" for those ids from the index alone, and the
newest-first scan of a dense match set reads `searchrow_newest` only (job id and date are
its columns): a page never reads the rows of a filter or a word, only its own.

`jobs_searchbits_update_words(min_jobs)` keeps the word bit strings in step with the jobs
between reindexes (the periodic `refresh_search_words_task`): words that reached `min_jobs`
open jobs get bit strings, words that fell below lose them. It counts the words before it
takes the writers' lock (`ts_stat`, a scan of every word: seconds at 100k jobs, while
writers go on) and holds the lock only to drop keys and to build the few new bit strings
through the GIN indexes, where the counts are exact.

Writes: the triggers of 0004 built two full-length masks per changed key (a 100k-character
string parsed into a bit string, twice per key, ~85 keys for one job) and rewrote every key
of the job even when an update left it unchanged: one status change took ~170 ms at 100k
jobs. `jobs_searchbits_change` sets and clears the few bits in place (masks only for bulk
changes), keys whose bits an update leaves as they were are not rewritten, and a key's
zero bit string is built only when the key is new.
"""

import importlib

from django.db import migrations, models

_0004 = importlib.import_module("jobs.migrations.0004_search_bits")


def _0004_function(name: str) -> str:
    """A function of migration 0004 as it was, to put back when this one is reversed."""
    start = _0004.FORWARD.index(f"CREATE FUNCTION {name}(")
    end = _0004.FORWARD.index("$$;", start) + 3
    return "CREATE OR REPLACE" + _0004.FORWARD[start:end].removeprefix("CREATE")


FORWARD = r"""
CREATE FUNCTION jobs_searchbits_ids(b varbit) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    -- The text form split at each '1': segment k ends at the k-th set bit, whose position is
    -- the length of the segments so far plus k - 1; the last segment ends at no set bit.
    SELECT coalesce(array_agg(p ORDER BY p), '{}')
    FROM (SELECT (sum(length(s) + 1) OVER (ORDER BY k) - 1)::bigint AS p
          FROM string_to_table(b::text, '1') WITH ORDINALITY AS t(s, k)) x
    WHERE p < length(b)
$$;

CREATE FUNCTION jobs_searchbits_update_words(
    min_jobs integer, OUT promoted integer, OUT dropped integer
) LANGUAGE plpgsql AS $$
DECLARE
    frequent text[];
    cap integer;
    k text;
    q tsquery;
    m varbit;
BEGIN
    frequent := ARRAY(
        SELECT 'head:' || word FROM ts_stat('SELECT head FROM jobs_searchrow')
        WHERE ndoc >= min_jobs AND word NOT LIKE 'sk:%'
        UNION ALL
        SELECT 'word:' || word FROM ts_stat('SELECT document FROM jobs_searchtext')
        WHERE ndoc >= min_jobs AND word NOT LIKE 'sk:%');
    -- From here writers wait (each locks 'all' first) and each statement sees the last
    -- commit: bit counts are exact.
    SELECT length(bits) INTO cap FROM jobs_searchbits WHERE key = 'all' FOR UPDATE;
    DELETE FROM jobs_searchbits
    WHERE (key LIKE 'head:%' OR key LIKE 'word:%') AND bit_count(bits) < min_jobs;
    GET DIAGNOSTICS dropped = ROW_COUNT;
    promoted := 0;
    FOR k IN SELECT f.k FROM unnest(frequent) AS f(k)
             WHERE NOT EXISTS (SELECT 1 FROM jobs_searchbits b WHERE b.key = f.k) ORDER BY f.k
    LOOP
        -- The lexeme as a tsquery of itself: quoted, so neither parsed nor stemmed.
        q := ('''' || replace(replace(substr(k, 6), '\', '\\'), '''', '''''') || '''')::tsquery;
        IF k LIKE 'head:%' THEN
            m := jobs_searchbits_mask(ARRAY(SELECT job_id FROM jobs_searchrow WHERE head @@ q),
                                      cap);
        ELSE
            m := jobs_searchbits_mask(
                ARRAY(SELECT job_id FROM jobs_searchtext WHERE document @@ q), cap);
        END IF;
        IF bit_count(m) >= min_jobs THEN
            INSERT INTO jobs_searchbits VALUES (k, m);
            promoted := promoted + 1;
        END IF;
    END LOOP;
END
$$;

-- Bits `removed` cleared, then bits `added` set: in place for a few (one job's write), by
-- masks for many (a bulk insert).
CREATE FUNCTION jobs_searchbits_change(b varbit, removed bigint[], added bigint[])
RETURNS varbit LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    i bigint;
BEGIN
    IF coalesce(cardinality(removed), 0) + coalesce(cardinality(added), 0) > 64 THEN
        RETURN (b & ~jobs_searchbits_mask(removed, length(b)))
            | jobs_searchbits_mask(added, length(b));
    END IF;
    FOREACH i IN ARRAY coalesce(removed, '{}') LOOP
        b := set_bit(b, i::integer, 0);
    END LOOP;
    FOREACH i IN ARRAY coalesce(added, '{}') LOOP
        b := set_bit(b, i::integer, 1);
    END LOOP;
    RETURN b;
END
$$;

CREATE OR REPLACE FUNCTION jobs_searchbits_apply(removed jobs_searchrow[], added jobs_searchrow[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    top bigint;
    k text;
    rm bigint[];
    am bigint[];
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
        SELECT c.k, array_agg(c.i) FILTER (WHERE NOT c.adding),
               array_agg(c.i) FILTER (WHERE c.adding)
        FROM (SELECT p.k, p.i, bool_or(p.adding) AS adding
              FROM (SELECT u.k, r.job_id AS i, false AS adding
                    FROM unnest(removed) r, unnest(jobs_searchbits_keys(r)) u(k)
                    UNION ALL
                    SELECT u.k, a.job_id, true
                    FROM unnest(added) a, unnest(jobs_searchbits_keys(a)) u(k)) p
              -- Word keys are kept only where `jobs_searchbits_refresh_words` made them.
              WHERE p.k NOT LIKE 'head:%'
                 OR EXISTS (SELECT 1 FROM jobs_searchbits b WHERE b.key = p.k)
              GROUP BY p.k, p.i
              -- A bit removed and added again (an update that keeps the value) is left be.
              HAVING count(DISTINCT p.adding) = 1) c
        GROUP BY c.k ORDER BY c.k
    LOOP
        UPDATE jobs_searchbits SET bits = jobs_searchbits_change(bits, rm, am) WHERE key = k;
        -- A value no open job had before (the writers' lock makes this the only insert).
        IF NOT FOUND AND k NOT LIKE 'head:%' THEN
            INSERT INTO jobs_searchbits
            VALUES (k, jobs_searchbits_change(repeat('0', cap)::varbit, rm, am));
        END IF;
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION jobs_searchbits_text(removed jobs_searchtext[], added jobs_searchtext[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    k text;
    rm bigint[];
    am bigint[];
BEGIN
    SELECT length(bits) INTO cap FROM jobs_searchbits WHERE key = 'all' FOR UPDATE;
    FOR k, rm, am IN
        SELECT c.k, array_agg(c.i) FILTER (WHERE NOT c.adding),
               array_agg(c.i) FILTER (WHERE c.adding)
        FROM (SELECT p.k, p.i, bool_or(p.adding) AS adding
              FROM (SELECT 'word:' || w AS k, r.job_id AS i, false AS adding
                    FROM unnest(removed) r, unnest(tsvector_to_array(r.document)) w
                    UNION ALL
                    SELECT 'word:' || w, a.job_id, true
                    FROM unnest(added) a, unnest(tsvector_to_array(a.document)) w) p
              WHERE EXISTS (SELECT 1 FROM jobs_searchbits b WHERE b.key = p.k)
              GROUP BY p.k, p.i
              HAVING count(DISTINCT p.adding) = 1) c
        GROUP BY c.k ORDER BY c.k
    LOOP
        UPDATE jobs_searchbits SET bits = jobs_searchbits_change(bits, rm, am) WHERE key = k;
    END LOOP;
END
$$;
"""
BACKWARD = (
    _0004_function("jobs_searchbits_apply")
    + _0004_function("jobs_searchbits_text")
    + """
DROP FUNCTION jobs_searchbits_change(varbit, bigint[], bigint[]);
DROP FUNCTION jobs_searchbits_update_words(integer);
DROP FUNCTION jobs_searchbits_ids(varbit);
"""
)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0004_search_bits")]

    operations = [
        migrations.AddIndex(
            model_name="searchrow",
            index=models.Index(
                fields=["job"], include=["published_at"], name="searchrow_published"
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
