from django.contrib import admin

from quartiersnetz.organizations.models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "district", "email", "updated_at"]
    list_filter = ["type", "district"]
    search_fields = ["name", "description", "email"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["district"]
