from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quartiersnetz.accounts.rules import is_editor
from quartiersnetz.core.models import BarrierReport, District, SiteSettings

admin.site.site_header = _("Quartiersnetz: editorial office")
admin.site.site_title = _("Quartiersnetz editorial office")
admin.site.index_title = _("Maintain the calendar")


def _may_enter(request):
    # Editors are not "staff" in Django's sense: the role is the one flag that counts.
    return request.user.is_active and (request.user.is_staff or is_editor(request.user))


admin.site.has_permission = _may_enter


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "population", "latitude", "longitude"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "demo_notice", "anonymous_submissions"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BarrierReport)
class BarrierReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "__str__", "page_url", "wants_reply", "handled"]
    list_filter = ["handled", "wants_reply"]
    list_editable = ["handled"]
    search_fields = ["description", "page_url", "name", "email"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "description", "page_url", "name", "email", "wants_reply"]

    def has_add_permission(self, request):
        # Reports come from the public form only.
        return False
