"""The recruiter's job form: typed skills normalized against the taxonomy, suggestions from
the job analysis accepted or dismissed in place."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from django import forms

from accounts.models import Company, User
from jobs.models import Job
from resumes.skills import get_skill, normalize_skill

SUGGESTION_PREFIX = "suggestion_"
SUGGESTION_CHOICES = [
    ("", "Decide later"),
    ("required", "Add as required"),
    ("preferred", "Add as preferred"),
    ("reject", "Dismiss"),
]


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n;]", value or "") if part.strip()]


class SkillsField(forms.CharField):
    """Comma-separated skills as people write them ("JS, node js") → taxonomy slugs."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Comma-separated, e.g. Python, Django, PostgreSQL.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "wide"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join((s.name if (s := get_skill(slug)) else slug) for slug in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        slugs: list[str] = []
        unknown: list[str] = []
        for raw in _split(super().to_python(value)):
            slug = normalize_skill(raw)
            if slug is None:
                unknown.append(raw)
            elif slug not in slugs:
                slugs.append(slug)
        if unknown:
            raise forms.ValidationError(
                "Not in the skills taxonomy: %(skills)s. Check the spelling or leave them in "
                "the description.",
                code="unknown_skill",
                params={"skills": ", ".join(unknown)},
            )
        return slugs


class CodesField(forms.CharField):
    """Comma-separated codes (countries, languages, time zones) kept as a list."""

    def __init__(self, *, pattern: str, upper: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.pattern = re.compile(pattern)
        self.upper = upper

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        codes = [c.upper() if self.upper else c for c in _split(super().to_python(value))]
        bad = [c for c in codes if not self.pattern.fullmatch(c)]
        if bad:
            raise forms.ValidationError(
                "Not a valid code: %(codes)s.", params={"codes": ", ".join(bad)}
            )
        return list(dict.fromkeys(codes))


class TimezonesField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "IANA names, e.g. Europe/Berlin, America/New_York.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        names = _split(super().to_python(value))
        known = zoneinfo.available_timezones()
        bad = [n for n in names if n not in known]
        if bad:
            raise forms.ValidationError(
                "Unknown time zone: %(zones)s.", params={"zones": ", ".join(bad)}
            )
        return list(dict.fromkeys(names))


class JobForm(forms.ModelForm):
    required_skills = SkillsField()
    preferred_skills = SkillsField()
    remote_countries = CodesField(
        pattern=r"[A-Z]{2}", upper=True, help_text="Where remote hires may live: DE, FR, …"
    )
    remote_timezones = TimezonesField()
    languages = CodesField(pattern=r"[a-z]{2,3}", help_text="ISO 639-1 codes: en, de, …")
    use_suggested_years = forms.BooleanField(required=False, label="Use the suggested range")

    class Meta:
        model = Job
        fields = [
            "title", "description", "workplace", "city", "region", "country", "latitude",
            "longitude", "remote_countries", "remote_timezones", "employment_type", "seniority",
            "salary_min", "salary_max", "salary_currency", "salary_period", "salary_visible",
            "years_min", "years_max", "required_skills", "preferred_skills", "education",
            "languages", "closes_at", "external_ref", "hiring_team",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 14, "class": "wide"}),
            "title": forms.TextInput(attrs={"class": "wide"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "hiring_team": forms.CheckboxSelectMultiple,
        }
        labels = {"salary_visible": "Show the salary to candidates"}

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hiring_team"].queryset = User.objects.filter(
            memberships__company=company
        ).order_by("email")
        self.fields["country"].help_text = "Two-letter code (DE, FR, US)."
        self.suggestions: list[dict[str, str]] = list(self.instance.analysis.get("skills", []))
        for suggestion in self.suggestions:
            self.fields[SUGGESTION_PREFIX + suggestion["slug"]] = forms.ChoiceField(
                label=suggestion["name"], choices=SUGGESTION_CHOICES, required=False
            )
        self.suggested_years = (
            self.instance.analysis.get("years_min"),
            self.instance.analysis.get("years_max"),
        )
        if self.suggested_years[0] is None:
            del self.fields["use_suggested_years"]

    def suggestion_fields(self) -> list[forms.BoundField]:
        return [self[SUGGESTION_PREFIX + s["slug"]] for s in self.suggestions]

    def clean_country(self) -> str:
        country = (self.cleaned_data.get("country") or "").upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise forms.ValidationError("Use a two-letter country code, such as DE.")
        return country

    def clean_salary_currency(self) -> str:
        return (self.cleaned_data.get("salary_currency") or "").upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        required = list(data.get("required_skills") or [])
        preferred = list(data.get("preferred_skills") or [])
        self.decided: list[str] = []
        self.rejected: list[str] = []
        for suggestion in self.suggestions:
            slug = suggestion["slug"]
            choice = data.get(SUGGESTION_PREFIX + slug)
            if choice == "required" and slug not in required:
                required.append(slug)
                preferred = [s for s in preferred if s != slug]
            elif choice == "preferred" and slug not in required + preferred:
                preferred.append(slug)
            elif choice == "reject":
                self.rejected.append(slug)
            if choice:
                self.decided.append(slug)
        if data.get("use_suggested_years"):
            data["years_min"], data["years_max"] = self.suggested_years
        # The model's clean() (ranges, locations, skills listed twice) then runs on these values.
        data["required_skills"], data["preferred_skills"] = required, preferred
        return data

    def job_fields(self) -> dict[str, Any]:
        """The model fields to hand to the create/update services."""
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields  # type: ignore[union-attr]
            if name != "hiring_team"
        }


class JobListFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), *Job.Status.choices], required=False)
    q = forms.CharField(required=False, label="Title contains")
    workplace = forms.ChoiceField(
        choices=[("", "Any workplace"), *Job.Workplace.choices], required=False
    )
    mine = forms.BooleanField(required=False, label="My hiring teams only")


class CloseJobForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(Job.Status.CLOSED, "Closed"), (Job.Status.FILLED, "Filled")],
        initial=Job.Status.CLOSED,
    )
