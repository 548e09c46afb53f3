"""The dashboard's filters: a date range and, optionally, one of the company's jobs."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from accounts.models import Company
from analytics.dashboards.queries import Filters
from jobs.models import Job

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


class DashboardFilterForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    job = forms.ModelChoiceField(
        queryset=Job.objects.none(), required=False, empty_label="All jobs"
    )

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["job"].queryset = Job.objects.filter(company=company).order_by("title", "id")

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError("The start date comes after the end date.")
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError("Choose a range of at most three years.")
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        job = data.get("job")
        return Filters(
            company_id=self.company.pk,
            start=data["start"],
            end=data["end"],
            job_id=job.pk if job else None,
        )

    def job_is_foreign(self) -> bool:
        """A job id that is not one of the company's: answered with a 404, not a form error."""
        return "job" in self.errors and bool(self.data.get("job"))
