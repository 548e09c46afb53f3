"""Application facts for the dashboards, kept exact by PostgreSQL triggers.

Two tables the dashboard queries read instead of joining the applications tables:

- `analytics_applicationfact`: one row per application with its company, job, source, time
  of applying, current stage, match score, the furthest position it reached among open and
  hired stages, whether and when it was first hired;
- `analytics_stagestay`: one row per stage change (a stay in a stage) with its company, job,
  the application's time of applying, when the stay began and ended (the next change), who
  made the move and whether that was the team (not the candidate).

Each is defined once, as a view over the applications tables (`*_source`); the tables are
that view stored. Statement-level triggers with transition tables on the applications tables
(and on stages and jobs, whose position, kind or company change what a history means)
recompute the rows of the applications a statement touched, in the same transaction: no
lag, no task, bulk statements cost one recomputation. TRUNCATE empties the facts too.

The tables are not Django models: only the raw SQL in analytics/dashboards/queries reads
them, and only these triggers write them. The backfill runs under SHARE locks so no write
slips between the snapshot it copies and the moment the triggers take over.
"""

from django.db import migrations

VIEWS_SQL = """
CREATE VIEW analytics_applicationfact_source AS
SELECT a.id AS application_id, j.company_id, a.job_id, a.created_at, a.stage_id,
       coalesce(nullif(a.source, ''), 'direct')::varchar(40) AS source, a.match_score,
       max(st.position) FILTER (WHERE st.kind IN ('open', 'hired'))::integer
           AS furthest_position,
       coalesce(bool_or(st.kind = 'hired'), false) AS hired,
       min(sc.created_at) FILTER (WHERE st.kind = 'hired') AS hired_at
FROM applications_application a
JOIN jobs_job j ON j.id = a.job_id
LEFT JOIN applications_stagechange sc ON sc.application_id = a.id
LEFT JOIN applications_pipelinestage st ON st.id = sc.to_stage_id
GROUP BY a.id, j.company_id;

CREATE VIEW analytics_stagestay_source AS
SELECT sc.id AS stage_change_id, sc.application_id, j.company_id, a.job_id,
       a.created_at AS applied_at, sc.to_stage_id AS stage_id, sc.created_at AS entered_at,
       lead(sc.created_at) OVER (PARTITION BY sc.application_id
                                 ORDER BY sc.created_at, sc.id) AS left_at,
       sc.by_id, coalesce(sc.by_id <> a.candidate_id, false) AS by_team
FROM applications_stagechange sc
JOIN applications_application a ON a.id = sc.application_id
JOIN jobs_job j ON j.id = a.job_id;
"""

TABLES_SQL = """
CREATE TABLE analytics_applicationfact (
    application_id uuid PRIMARY KEY,
    company_id bigint NOT NULL,
    job_id bigint NOT NULL,
    created_at timestamptz NOT NULL,
    stage_id bigint NOT NULL,
    source varchar(40) NOT NULL,
    match_score double precision,
    furthest_position integer,
    hired boolean NOT NULL,
    hired_at timestamptz
);
CREATE TABLE analytics_stagestay (
    stage_change_id bigint PRIMARY KEY,
    application_id uuid NOT NULL,
    company_id bigint NOT NULL,
    job_id bigint NOT NULL,
    applied_at timestamptz NOT NULL,
    stage_id bigint NOT NULL,
    entered_at timestamptz NOT NULL,
    left_at timestamptz,
    by_id bigint,
    by_team boolean NOT NULL
);
"""

# A dashboard reads one company's rows in a date range from the index alone. (Built after
# the backfill: one sorted build rather than a million random inserts.)
INDEXES_SQL = """
CREATE INDEX analytics_fact_company_created ON analytics_applicationfact
    (company_id, created_at) INCLUDE (job_id, stage_id, source, match_score,
                                      furthest_position, hired, hired_at);
CREATE INDEX analytics_fact_job_created ON analytics_applicationfact
    (job_id, created_at) INCLUDE (company_id, stage_id, source, match_score,
                                  furthest_position, hired, hired_at);
CREATE INDEX analytics_stay_application ON analytics_stagestay (application_id);
-- Finished stays (time in stage), and the team's moves (recruiter activity).
CREATE INDEX analytics_stay_company_applied ON analytics_stagestay
    (company_id, applied_at) INCLUDE (job_id, stage_id, entered_at, left_at)
    WHERE left_at IS NOT NULL;
CREATE INDEX analytics_stay_company_entered ON analytics_stagestay
    (company_id, entered_at) INCLUDE (job_id, application_id, stage_id, by_id)
    WHERE by_team;
-- Views of a company's job pages in a range, counted per job from the index alone.
CREATE INDEX analytics_event_job_views ON analytics_event (company_id, created_at)
    INCLUDE (subject_id) WHERE kind = 'job.viewed' AND subject_type = 'jobs.job';
"""

REFRESH_SQL = """
CREATE FUNCTION analytics_refresh_applications(ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    DELETE FROM analytics_applicationfact f
    WHERE f.application_id = ANY (ids)
      AND NOT EXISTS (SELECT 1 FROM applications_application a WHERE a.id = f.application_id);
    INSERT INTO analytics_applicationfact AS f
    SELECT * FROM analytics_applicationfact_source s WHERE s.application_id = ANY (ids)
    ON CONFLICT (application_id) DO UPDATE SET
        company_id = excluded.company_id, job_id = excluded.job_id,
        created_at = excluded.created_at, stage_id = excluded.stage_id,
        source = excluded.source, match_score = excluded.match_score,
        furthest_position = excluded.furthest_position, hired = excluded.hired,
        hired_at = excluded.hired_at
    WHERE f IS DISTINCT FROM excluded;

    DELETE FROM analytics_stagestay s
    WHERE s.application_id = ANY (ids)
      AND NOT EXISTS (SELECT 1 FROM applications_stagechange sc
                      WHERE sc.id = s.stage_change_id AND sc.application_id = s.application_id);
    INSERT INTO analytics_stagestay AS s
    SELECT * FROM analytics_stagestay_source v WHERE v.application_id = ANY (ids)
    ON CONFLICT (stage_change_id) DO UPDATE SET
        application_id = excluded.application_id, company_id = excluded.company_id,
        job_id = excluded.job_id, applied_at = excluded.applied_at,
        stage_id = excluded.stage_id, entered_at = excluded.entered_at,
        left_at = excluded.left_at, by_id = excluded.by_id, by_team = excluded.by_team
    WHERE s IS DISTINCT FROM excluded;
END $$;

-- Everything at once: the aggregation over every history fits in memory rather than on disk.
CREATE FUNCTION analytics_backfill_facts() RETURNS void LANGUAGE sql
SET work_mem = '256MB' AS $$
    TRUNCATE analytics_applicationfact, analytics_stagestay;
    INSERT INTO analytics_applicationfact SELECT * FROM analytics_applicationfact_source;
    INSERT INTO analytics_stagestay SELECT * FROM analytics_stagestay_source;
$$;
"""

# One trigger function per table: which applications the statement touched. Transition
# tables are named alike in every trigger (old_rows, new_rows); a branch reads only the
# ones its event has.
TRIGGER_FUNCTIONS_SQL = """
CREATE FUNCTION analytics_facts_on_application() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM analytics_refresh_applications(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM analytics_refresh_applications(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM analytics_refresh_applications(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.job_id, n.candidate_id, n.stage_id, n.created_at, n.match_score,
                   n.source) IS DISTINCT FROM
                  (o.job_id, o.candidate_id, o.stage_id, o.created_at, o.match_score,
                   o.source)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION analytics_facts_on_stagechange() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM analytics_refresh_applications(ARRAY(SELECT DISTINCT application_id
                                                     FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM analytics_refresh_applications(ARRAY(SELECT DISTINCT application_id
                                                     FROM old_rows));
    ELSE
        PERFORM analytics_refresh_applications(ARRAY(
            SELECT x.application_id
            FROM new_rows n JOIN old_rows o ON o.id = n.id,
                 LATERAL (VALUES (n.application_id), (o.application_id)) x(application_id)
            WHERE (n.application_id, n.to_stage_id, n.by_id, n.created_at) IS DISTINCT FROM
                  (o.application_id, o.to_stage_id, o.by_id, o.created_at)
            GROUP BY x.application_id));
    END IF;
    RETURN NULL;
END $$;

-- A stage whose position or kind changes changes the furthest stage of every application
-- that went through it.
CREATE FUNCTION analytics_facts_on_stage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM analytics_refresh_applications(ARRAY(
        SELECT DISTINCT sc.application_id
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN applications_stagechange sc ON sc.to_stage_id = n.id
        WHERE (n.position, n.kind) IS DISTINCT FROM (o.position, o.kind)));
    RETURN NULL;
END $$;

CREATE FUNCTION analytics_facts_on_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM analytics_refresh_applications(ARRAY(
        SELECT a.id
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN applications_application a ON a.job_id = n.id
        WHERE n.company_id IS DISTINCT FROM o.company_id));
    RETURN NULL;
END $$;

CREATE FUNCTION analytics_facts_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE analytics_applicationfact, analytics_stagestay;
    RETURN NULL;
END $$;
"""

TRIGGERS_SQL = """
CREATE TRIGGER analytics_facts_insert AFTER INSERT ON applications_application
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_application();
CREATE TRIGGER analytics_facts_update AFTER UPDATE ON applications_application
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_application();
CREATE TRIGGER analytics_facts_delete AFTER DELETE ON applications_application
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_application();
CREATE TRIGGER analytics_facts_truncate AFTER TRUNCATE ON applications_application
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_truncate();

CREATE TRIGGER analytics_facts_insert AFTER INSERT ON applications_stagechange
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_stagechange();
CREATE TRIGGER analytics_facts_update AFTER UPDATE ON applications_stagechange
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_stagechange();
CREATE TRIGGER analytics_facts_delete AFTER DELETE ON applications_stagechange
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_stagechange();
CREATE TRIGGER analytics_facts_truncate AFTER TRUNCATE ON applications_stagechange
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_truncate();

CREATE TRIGGER analytics_facts_update AFTER UPDATE ON applications_pipelinestage
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_stage();
CREATE TRIGGER analytics_facts_update AFTER UPDATE ON jobs_job
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_facts_on_job();
"""

BACKFILL_SQL = """
LOCK TABLE applications_application, applications_stagechange, applications_pipelinestage,
           jobs_job IN SHARE MODE;
SELECT analytics_backfill_facts();
"""
ANALYZE_SQL = """
ANALYZE analytics_applicationfact;
ANALYZE analytics_stagestay;
"""

REVERSE_SQL = """
DROP TRIGGER analytics_facts_update ON jobs_job;
DROP TRIGGER analytics_facts_update ON applications_pipelinestage;
DROP TRIGGER analytics_facts_insert ON applications_stagechange;
DROP TRIGGER analytics_facts_update ON applications_stagechange;
DROP TRIGGER analytics_facts_delete ON applications_stagechange;
DROP TRIGGER analytics_facts_truncate ON applications_stagechange;
DROP TRIGGER analytics_facts_insert ON applications_application;
DROP TRIGGER analytics_facts_update ON applications_application;
DROP TRIGGER analytics_facts_delete ON applications_application;
DROP TRIGGER analytics_facts_truncate ON applications_application;
DROP FUNCTION analytics_facts_on_truncate(), analytics_facts_on_job(),
              analytics_facts_on_stage(), analytics_facts_on_stagechange(),
              analytics_facts_on_application(), analytics_backfill_facts(),
              analytics_refresh_applications(uuid[]);
DROP TABLE analytics_stagestay, analytics_applicationfact;
DROP VIEW analytics_stagestay_source, analytics_applicationfact_source;
DROP INDEX analytics_event_job_views;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_audit_log"),
        ("applications", "0008_recruiter_notification_kinds"),  # 0007 adds Application.source
        ("jobs", "0002_open_jobs_covering_index"),
    ]

    operations = [
        # One string each, run as one script (not split: the functions hold semicolons).
        migrations.RunSQL(
            [
                VIEWS_SQL
                + TABLES_SQL
                + REFRESH_SQL
                + TRIGGER_FUNCTIONS_SQL
                + TRIGGERS_SQL
                + BACKFILL_SQL
                + INDEXES_SQL
                + ANALYZE_SQL
            ],
            reverse_sql=[REVERSE_SQL],
        ),
    ]
