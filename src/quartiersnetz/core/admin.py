from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quartiersnetz.core.models import District, SiteSettings

admin.site.site_header = _("Quartiersnetz: editorial office")
admin.site.site_title = _("Quartiersnetz editorial office")
admin.site.index_title = _("Maintain the calendar")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "population", "latitude", "longitude"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "demo_notice"]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
