from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from resumes import services
from resumes.models import CandidateProfile, Resume


@admin.register(Resume)
class ResumeAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "owner",
        "company",
        "kind",
        "status",
        "is_primary",
        "ocr_used",
        "attempts",
        "created_at",
    ]
    list_filter = [
        "status",
        "failure_code",
        "kind",
        "ocr_used",
        "is_primary",
        "extraction_engine",
        "created_at",
    ]
    search_fields = ["original_name", "owner__email", "sha256", "id", "company__name"]
    list_select_related = ["owner", "company"]
    date_hierarchy = "created_at"
    raw_id_fields = ["owner", "uploaded_by", "company"]
    actions = ["reextract", "reparse"]
    readonly_fields = [
        "id",
        "sha256",
        "size",
        "kind",
        "file",
        "status",
        "status_changed_at",
        "error",
        "failure_code",
        "attempts",
        "extraction_engine",
        "page_count",
        "ocr_used",
        "ocr_confidence",
        "parser_engine",
        "parser_version",
        "parsed_at",
        "created_at",
        "updated_at",
        "text_view",
        "parsed_view",
    ]
    exclude = ["text", "parsed"]

    @admin.display(description="Extracted text")
    def text_view(self, resume: Resume) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', resume.text)

    @admin.display(description="Parse")
    def parsed_view(self, resume: Resume) -> str:
        body = json.dumps(resume.parsed, indent=2, ensure_ascii=False) if resume.parsed else ""
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', body)

    @admin.action(description="Re-extract (start over from the file)")
    def reextract(self, request: HttpRequest, queryset: QuerySet[Resume]) -> None:
        for resume in queryset:
            services.reprocess_resume(resume=resume, actor=request.user)
        self.message_user(request, f"{queryset.count()} resume(s) queued again.")

    @admin.action(description="Re-parse (from the extracted text)")
    def reparse(self, request: HttpRequest, queryset: QuerySet[Resume]) -> None:
        done = 0
        for resume in queryset:
            try:
                services.reparse_resume(resume=resume, actor=request.user)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{resume}: {' '.join(exc.messages)}", messages.WARNING)
        self.message_user(request, f"{done} resume(s) queued for parsing.")


@admin.register(CandidateProfile)
class CandidateProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "full_name",
        "headline",
        "city",
        "country",
        "years_of_experience",
        "updated_at",
    ]
    list_filter = ["remote_preference", "country"]
    search_fields = ["user__email", "full_name", "headline", "skills"]
    raw_id_fields = ["user", "source_resume"]
    readonly_fields = ["embedding_model", "created_at", "updated_at"]
    exclude = ["embedding"]
