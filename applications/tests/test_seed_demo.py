"""seed_demo puts demo candidates into Acme's pipeline, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from applications.models import Application, StageChange

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_a_pipeline_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    stages = dict(Application.objects.values_list("candidate__email", "stage__slug"))
    assert stages == {
        "carol@example.test": "interview",
        "dave@example.test": "screening",
        "erin@example.test": "rejected",
        "frank@example.test": "applied",
    }
    changes = StageChange.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Application.objects.count() == 4
    assert StageChange.objects.count() == changes
