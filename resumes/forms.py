from __future__ import annotations

from django import forms


class SourcedResumeForm(forms.Form):
    """A recruiter uploads the resume of a candidate they sourced."""

    email = forms.EmailField(label="Candidate's email")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    file = forms.FileField(
        label="Resume",
        allow_empty_file=True,
        help_text="PDF, Word (DOCX), or a photo/scan (PNG, JPEG, TIFF, HEIC).",
    )
