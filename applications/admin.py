"""Staff admin: applications with filters, stage configuration, the message log and webhook
deliveries (with replay)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from applications import webhooks
from applications.models import (
    Application,
    EmailTemplate,
    Message,
    Note,
    Notification,
    PipelineStage,
    RejectionReason,
    Scorecard,
    SmsConsent,
    StageChange,
    WebhookDelivery,
    WebhookEndpoint,
)


class StageSlugFilter(admin.SimpleListFilter):
    title = "stage"
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        slugs = PipelineStage.objects.order_by("position").values_list("slug", "name").distinct()
        seen: dict[str, str] = {}
        for slug, name in slugs:
            seen.setdefault(slug, name)
        return list(seen.items())

    def queryset(self, request, queryset):
        return queryset.filter(stage__slug=self.value()) if self.value() else queryset


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    fields = ["created_at", "from_stage", "to_stage", "by", "rejection_reason", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NoteInline(admin.TabularInline):
    model = Note
    extra = 0
    fields = ["created_at", "author", "body"]
    readonly_fields = ["created_at", "author"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["candidate", "job", "company", "stage", "match_score", "created_at"]
    list_filter = [
        ("job__company", admin.RelatedOnlyFieldListFilter),
        ("job", admin.RelatedOnlyFieldListFilter),
        StageSlugFilter,
        "stage__kind",
        "created_at",
    ]
    search_fields = ["candidate__email", "job__title", "job__company__name"]
    list_select_related = ["candidate", "job__company", "stage"]
    raw_id_fields = ["candidate", "job", "resume", "match"]
    # The stage moves only through the transition service (history, events, notifications).
    readonly_fields = ["id", "stage", "rejection_reason", "created_at", "stage_changed_at"]
    inlines = [StageChangeInline, NoteInline]
    date_hierarchy = "created_at"

    @admin.display(ordering="job__company__name")
    def company(self, obj: Application) -> str:
        return obj.job.company.name


@admin.register(PipelineStage)
class PipelineStageAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "company", "job", "kind", "position", "is_interview"]
    list_editable = ["position", "is_interview"]
    list_filter = [("company", admin.RelatedOnlyFieldListFilter), "kind", "is_interview"]
    search_fields = ["name", "slug", "company__name"]
    raw_id_fields = ["job"]


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "company", "is_active"]
    list_filter = [("company", admin.RelatedOnlyFieldListFilter), "is_active"]
    search_fields = ["label"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "kind", "to", "subject", "status", "provider_id"]
    list_filter = ["channel", "status", "kind", ("company", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["to", "subject", "provider_id", "key"]
    readonly_fields = [f.name for f in Message._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email", "title"]
    raw_id_fields = ["recipient", "application"]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["company", "stage_slug", "subject", "updated_at"]
    list_filter = [("company", admin.RelatedOnlyFieldListFilter)]


@admin.register(SmsConsent)
class SmsConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "source", "granted_at", "revoked_at"]
    search_fields = ["user__email", "phone"]
    readonly_fields = ["user", "phone", "source", "granted_at", "revoked_at", "ip_address"]


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["application", "stage", "author", "average", "created_at"]
    raw_id_fields = ["application", "author"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "company", "events", "is_active", "created_at"]
    list_filter = [("company", admin.RelatedOnlyFieldListFilter), "is_active"]
    search_fields = ["url", "company__name"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at", "event", "endpoint", "status", "attempts", "response_code", "replay_of",
    ]  # fmt: skip
    list_filter = ["status", "event", ("endpoint__company", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["event_id", "endpoint__url"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["replay"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Replay selected deliveries (same event id, new signature)")
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        replays = [
            webhooks.replay_delivery(delivery=d) for d in queryset.select_related("endpoint")
        ]
        self.message_user(request, f"{len(replays)} delivery(ies) queued again.", messages.SUCCESS)
