"""Indexes on the profile columns matching filters on: a job's work-authorization filter (GIN,
`@>` and `=`) and a country filter, so a selective filtered pool is read from its index rather
than by scanning every profile (matching's retrieval searches such a pool exactly)."""

import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("resumes", "0002_candidate_discoverable_opt_in")]

    operations = [
        migrations.AddIndex(
            model_name="candidateprofile",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["work_authorization"], name="profile_work_auth_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="candidateprofile",
            index=models.Index(fields=["country"], name="profile_country_idx"),
        ),
    ]
