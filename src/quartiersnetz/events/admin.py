"""Django admin for editors: events, categories and single dates of a series."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quartiersnetz.events import workflow
from quartiersnetz.events.models import Category, Event, Occurrence, Report


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    fields = ["start", "end", "cancelled", "moved"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("dates (change a single date through its link)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "start", "status", "visibility", "place", "is_recurring_display"]
    list_filter = [
        "status",
        "visibility",
        "is_highlight",
        "is_free",
        "audience",
        "place__district",
        "categories",
        "organizers",
    ]
    search_fields = ["title", "teaser", "description", "place__name", "organizers__name"]
    list_select_related = ["place"]
    date_hierarchy = "start"
    autocomplete_fields = ["place"]
    filter_horizontal = ["organizers", "categories"]
    readonly_fields = ["uid", "sequence", "materialised_until", "created_at", "updated_at"]
    inlines = [OccurrenceInline]
    fieldsets = [
        (None, {"fields": ["title", "teaser", "description", "status", "visibility"]}),
        (
            _("Date"),
            {"fields": ["start", "end", "all_day", "recurrence_rule", "recurrence_exceptions"]},
        ),
        (_("Place"), {"fields": ["place", "online_url"]}),
        (
            _("Details"),
            {
                "fields": [
                    "organizers",
                    "categories",
                    "audience",
                    "is_free",
                    "price",
                    "registration_url",
                    "expected_attendance",
                    "is_highlight",
                ]
            },
        ),
        (_("Contact"), {"fields": ["contact_name", "contact_email", "contact_phone"]}),
        (_("Image"), {"fields": ["image", "image_alt"]}),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": [
                    "previous_start",
                    "uid",
                    "sequence",
                    "materialised_until",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    @admin.display(boolean=True, description=_("recurring"))
    def is_recurring_display(self, event):
        return event.is_recurring

    def save_model(self, request, obj, form, change):
        # Saved together with the many-to-many fields in save_related, so that the
        # occurrences are materialised once, from the complete event.
        pass

    def save_related(self, request, form, formsets, change):
        workflow.save_in_admin(
            form.instance,
            actor=request.user,
            save_related=lambda: super(EventAdmin, self).save_related(
                request, form, formsets, change
            ),
        )


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ["event", "start", "end", "district", "cancelled", "moved"]
    list_filter = ["cancelled", "moved", "status", "district"]
    search_fields = ["event__title"]
    list_select_related = ["event", "district"]
    date_hierarchy = "start"
    fields = ["event", "original_start", "start", "end", "cancelled", "moved"]
    readonly_fields = ["event", "original_start", "cancelled", "moved"]
    actions = ["cancel_dates", "restore_dates"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Dates are deleted by editing the event's rule or excluded dates.
        return False

    def save_model(self, request, obj, form, change):
        workflow.move_date(obj, request.user, obj.start, obj.end)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class MoveForm(form):
            def clean(self):
                cleaned = super().clean()
                start, end = cleaned.get("start"), cleaned.get("end")
                if start and end and end <= start:
                    raise ValidationError({"end": _("The end must be after the start.")})
                return cleaned

        return MoveForm

    def _change_dates(self, request, queryset, operation, message):
        count = 0
        for occurrence in queryset.select_related("event"):
            operation(occurrence, request.user)
            count += 1
        self.message_user(request, message(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Cancel the selected dates"))
    def cancel_dates(self, request, queryset):
        self._change_dates(
            request,
            queryset,
            workflow.cancel_date,
            lambda count: ngettext(
                "%(count)d date cancelled.", "%(count)d dates cancelled.", count
            ),
        )

    @admin.action(description=_("Restore the selected dates"))
    def restore_dates(self, request, queryset):
        self._change_dates(
            request,
            queryset,
            workflow.restore_date,
            lambda count: ngettext("%(count)d date restored.", "%(count)d dates restored.", count),
        )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "reason", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["event__title", "message"]
    list_select_related = ["event"]
    readonly_fields = ["event", "reason", "message", "reporter", "email", "created_at"]
    fields = [*readonly_fields, "resolved_at", "resolved_by", "resolution"]
    raw_id_fields = ["resolved_by"]

    def has_add_permission(self, request):
        # Reports come from the public form only.
        return False
