"""Portal forms: moving, bulk actions, notes, scorecards, email templates."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from applications import notifications
from applications.models import (
    WEBHOOK_EVENTS,
    EmailTemplate,
    PipelineStage,
    RejectionReason,
    WebhookEndpoint,
)


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(queryset=PipelineStage.objects.none())
    rejection_reason = forms.ModelChoiceField(
        queryset=RejectionReason.objects.none(), required=False
    )
    reason = forms.CharField(required=False, max_length=2000, widget=forms.TextInput)
    notify_candidate = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, stages, company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages.exclude(kind=PipelineStage.Kind.WITHDRAWN)
        self.fields["rejection_reason"].queryset = RejectionReason.objects.filter(
            company=company, is_active=True
        )


class BulkForm(forms.Form):
    ACTIONS = [("move", "Move to stage"), ("reject", "Reject"), ("email", "Send email")]

    action = forms.ChoiceField(choices=ACTIONS)
    applications = forms.TypedMultipleChoiceField(coerce=str, choices=[])
    stage = forms.ModelChoiceField(queryset=PipelineStage.objects.none(), required=False)
    rejection_reason = forms.ModelChoiceField(
        queryset=RejectionReason.objects.none(), required=False
    )
    subject = forms.CharField(required=False, max_length=200)
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, applications, stages, company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(str(a.pk), str(a.pk)) for a in applications]
        self.fields["stage"].queryset = stages.filter(kind__in=["open", "hired"])
        self.fields["rejection_reason"].queryset = RejectionReason.objects.filter(
            company=company, is_active=True
        )

    def clean(self) -> dict:
        data = super().clean()
        action = data.get("action")
        if action == "move" and not data.get("stage"):
            self.add_error("stage", "Choose the stage to move to.")
        if action == "reject" and not data.get("rejection_reason"):
            self.add_error("rejection_reason", "Choose a rejection reason.")
        if action == "email":
            if not data.get("subject") or not data.get("body"):
                raise ValidationError("An email needs a subject and a body.")
            try:
                notifications.validate_template(data["subject"])
                notifications.validate_template(data["body"])
            except ValidationError as exc:
                self.add_error("body", exc)
        return data


class NoteForm(forms.Form):
    body = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Note for the team; @name mentions"}
        ),
    )


class ScorecardForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for index, criterion in enumerate(criteria):
            self.fields[f"c{index}"] = forms.TypedChoiceField(
                label=criterion,
                choices=[("", "-")] + [(str(n), str(n)) for n in range(1, 6)],
                coerce=int,
                required=False,
                empty_value=None,
            )

    def ratings(self) -> dict[str, int]:
        return {
            criterion: self.cleaned_data[f"c{index}"]
            for index, criterion in enumerate(self.criteria)
            if self.cleaned_data.get(f"c{index}")
        }


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def clean_subject(self) -> str:
        notifications.validate_template(self.cleaned_data["subject"])
        return self.cleaned_data["subject"]

    def clean_body(self) -> str:
        notifications.validate_template(self.cleaned_data["body"])
        return self.cleaned_data["body"]


class StageForm(forms.ModelForm):
    class Meta:
        model = PipelineStage
        fields = ["name", "position", "is_interview"]
        widgets = {"position": forms.NumberInput(attrs={"style": "width:6rem"})}


StageFormSet = forms.modelformset_factory(PipelineStage, form=StageForm, extra=0)


class NewStageForm(forms.Form):
    name = forms.CharField(max_length=80)
    is_interview = forms.BooleanField(required=False)


class RejectionReasonForm(forms.Form):
    label = forms.CharField(max_length=120)


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=WEBHOOK_EVENTS, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events"]

    def clean_url(self) -> str:
        from django.conf import settings

        url = self.cleaned_data["url"]
        # Receivers get candidate data: HTTPS only, except in local development.
        if not url.startswith("https://") and not settings.DEBUG:
            raise ValidationError("Use an https:// URL.")
        return url
