from django.contrib import admin

from analytics.models import AuditEntry, Event, StreamCursor


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "actor", "company", "subject_type", "subject_id"]
    list_filter = ["kind", "company"]
    search_fields = ["kind", "subject_id", "actor__email"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):  # the log is append-only
        return False


@admin.register(StreamCursor)
class StreamCursorAdmin(admin.ModelAdmin):
    """Where each event stream stands; moved only by the publisher."""

    list_display = ["name", "last_event_id", "events_published", "updated_at", "last_error"]
    readonly_fields = [f.name for f in StreamCursor._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Every company's audit log, read-only (the database refuses changes anyway)."""

    list_display = [
        "created_at",
        "action",
        "actor_email",
        "company",
        "target_type",
        "target_id",
        "target_repr",
        "ip_address",
    ]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter), "company"]
    list_select_related = ["company"]
    search_fields = ["actor_email", "target_id", "target_repr", "request_id", "ip_address"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    show_full_result_count = False  # a count(*) of a large log on every page is slow

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
