from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from accounts.models import Company, Invitation, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "company"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    date_hierarchy = "date_joined"
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "role")}),
        ("Personal info", {"fields": ("first_name", "last_name", "phone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website", "member_count", "created_at"]
    search_fields = ["name", "slug", "memberships__user__email"]
    list_filter = ["created_at"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Company]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    def save_model(self, request: HttpRequest, obj: Company, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "match_weights" in form.changed_data:
            from matching.services import request_company_recompute  # matching builds on accounts

            jobs = request_company_recompute(company_id=obj.pk)
            messages.info(request, f"New match weights: {jobs} open job(s) are being re-ranked.")

    @admin.display(description="members", ordering="member_count")
    def member_count(self, company: Company) -> int:
        return company.member_count  # type: ignore[attr-defined]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "created_at"]
    list_filter = ["role", "company"]
    list_select_related = ["user", "company"]
    search_fields = ["user__email", "company__name"]
    autocomplete_fields = ["user", "company"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "company",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    ]
    list_filter = ["role", "company", ("accepted_at", admin.EmptyFieldListFilter), "expires_at"]
    list_select_related = ["company", "invited_by"]
    search_fields = ["email", "company__name", "invited_by__email"]
    autocomplete_fields = ["company", "invited_by"]
    readonly_fields = ["token", "accepted_at", "accepted_by"]
