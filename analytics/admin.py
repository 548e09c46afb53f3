from django.contrib import admin

from analytics.models import Event, StreamCursor


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
