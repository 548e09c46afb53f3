from django.contrib import admin

from analytics.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "actor", "company", "subject_type", "subject_id"]
    list_filter = ["kind", "company"]
    search_fields = ["kind", "subject_id", "actor__email"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):  # the log is append-only
        return False
