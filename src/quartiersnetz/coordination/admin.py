"""Django admin for editors: date holds, changed through coordination.holds so that the
activity log records what the editors do."""

from django.contrib import admin

from quartiersnetz.coordination import holds
from quartiersnetz.coordination.models import DateHold


@admin.register(DateHold)
class DateHoldAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "first_day",
        "last_day",
        "organization",
        "district",
        "visibility",
        "expires_on",
        "event",
    ]
    list_filter = ["visibility", "district", "audience", "organization"]
    search_fields = ["title", "note", "organization__name"]
    list_select_related = ["organization", "district", "event"]
    date_hierarchy = "first_day"
    autocomplete_fields = ["place"]
    raw_id_fields = ["organization"]
    filter_horizontal = ["categories"]
    readonly_fields = ["event", "created_by", "created_at", "updated_at"]
    # Bulk deletion would bypass the activity log; holds are released one by one.
    actions = None

    # A hold that became an event is the event's record: shown, not changed.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.event_id is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.event_id is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            holds.update_hold(obj, actor=request.user)
        else:
            holds.create_hold(obj, actor=request.user, check_duplicate=False)

    def delete_model(self, request, obj):
        holds.release_hold(obj, actor=request.user)
