from django.contrib import admin

from quartiersnetz.places.models import Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "district", "step_free", "accessible_toilet", "hearing_loop"]
    list_filter = ["district", "step_free", "accessible_toilet", "hearing_loop"]
    search_fields = ["name", "street", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["district"]
