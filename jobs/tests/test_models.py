import pytest
from django.core.exceptions import ValidationError

from jobs.models import Job, render_markdown
from jobs.tests.factories import make_job

pytestmark = pytest.mark.django_db


def test_markdown_description_is_rendered_without_scripts():
    html = render_markdown(
        "# Hi\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) "
        '<img src=x onerror="alert(1)">'
    )
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "alert(1)</script>" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "<img" not in html


def test_it_rejects_a_salary_range_upside_down(acme):
    job = Job(company=acme, title="X", description="d", city="Paris", salary_min=10, salary_max=5)
    with pytest.raises(ValidationError) as exc:
        job.full_clean()
    assert "salary_max" in exc.value.message_dict
    assert "salary_currency" in exc.value.message_dict


def test_salary_is_annualised_for_filters(acme):
    job = make_job(acme, salary_min=40, salary_max=50, salary_currency="EUR", salary_period="hour")
    job.refresh_from_db()
    assert job.salary_max_annual == 50 * 2080


def test_querysets_scope_jobs(acme, globex, recruiter, other_recruiter, candidate):
    open_acme = make_job(acme)
    draft_acme = make_job(acme, status=Job.Status.DRAFT)
    draft_globex = make_job(globex, status=Job.Status.DRAFT)
    assert set(Job.objects.open()) == {open_acme}
    assert set(Job.objects.for_company(acme)) == {open_acme, draft_acme}
    assert set(Job.objects.visible_to(candidate)) == {open_acme}
    assert set(Job.objects.visible_to(recruiter)) == {open_acme, draft_acme}
    assert set(Job.objects.visible_to(other_recruiter)) == {open_acme, draft_globex}
