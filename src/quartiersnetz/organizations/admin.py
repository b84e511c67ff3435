from django.contrib import admin

from quartiersnetz.organizations.models import Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "district", "email", "is_trusted", "updated_at"]
    list_filter = ["type", "district", "is_trusted"]
    search_fields = ["name", "description", "email"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["district"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organization", "user", "invited_email", "role", "state", "updated_at"]
    list_filter = ["role", "state"]
    search_fields = ["organization__name", "user__email", "invited_email"]
    list_select_related = ["organization", "user"]
    raw_id_fields = ["organization", "user", "invited_by"]
