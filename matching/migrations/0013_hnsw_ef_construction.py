"""The candidate graphs rebuilt with ef_construction 128 (`services.indexes.HNSW_PARAMETERS`): the
table's HNSW index and every country's partial one (`ensure_country_indexes`), whatever
countries this database has. Concurrently: the table stays writable while each is rebuilt."""

from django.db import migrations

TABLE = "matching_candidatevector"


def rebuild(ef_construction: int):
    def run(apps, schema_editor) -> None:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam "
                "WHERE i.indrelid = %s::regclass AND a.amname = 'hnsw' ORDER BY 1",
                [TABLE],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'ALTER INDEX "{name}" SET (ef_construction = {ef_construction})')
                cursor.execute(f'REINDEX INDEX CONCURRENTLY "{name}"')

    return run


class Migration(migrations.Migration):
    atomic = False  # REINDEX CONCURRENTLY cannot run inside a transaction block
    dependencies = [("matching", "0012_candidate_skills")]

    operations = [migrations.RunPython(rebuild(128), reverse_code=rebuild(64))]
