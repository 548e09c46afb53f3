"""The filters of a company's audit log page: action, actor, email, date range."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Company, User
from analytics.audit import ACTIONS
from analytics.models import AuditEntry


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(choices=[("", "All actions"), *ACTIONS], required=False)
    actor = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    email = forms.CharField(required=False, max_length=254, label="Email contains")
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["actor"].queryset = User.objects.filter(memberships__company=company).order_by(
            "email"
        )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The start date comes after the end date.")
        return data

    def actor_is_foreign(self) -> bool:
        """A user id that is not one of the company's members: a 404, not a form error."""
        return "actor" in self.errors and bool(self.data.get("actor"))

    def entries(self) -> QuerySet[AuditEntry]:
        """The company's entries matching the filters, newest first."""
        entries = AuditEntry.objects.filter(company=self.company).order_by("-created_at", "-id")
        data = self.cleaned_data
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("actor"):
            entries = entries.filter(actor=data["actor"])
        if data.get("email"):
            entries = entries.filter(actor_email__icontains=data["email"])
        tz = timezone.get_current_timezone()
        if data.get("start"):
            entries = entries.filter(
                created_at__gte=dt.datetime.combine(data["start"], dt.time.min, tzinfo=tz)
            )
        if data.get("end"):
            next_day = data["end"] + dt.timedelta(days=1)
            entries = entries.filter(
                created_at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=tz)
            )
        return entries
