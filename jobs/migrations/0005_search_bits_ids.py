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
"""

from django.db import migrations, models

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
"""
BACKWARD = """
DROP FUNCTION jobs_searchbits_update_words(integer);
DROP FUNCTION jobs_searchbits_ids(varbit);
"""


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
