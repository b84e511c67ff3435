"""Django admin for editors: fixing a conference's data without a developer. Meetings,
sign-ups and minutes change state on their own pages (and send mail there); here they
can be looked up and corrected."""

from django.contrib import admin

from quartiersnetz.conferences.models import (
    ActionItem,
    AgendaItem,
    Concern,
    Conference,
    DatePoll,
    Meeting,
    Membership,
    Project,
    Registration,
    Subscriber,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["name", "email", "on_behalf_of", "role", "start_date", "end_date", "show_contact"]
    raw_id_fields = ["on_behalf_of"]
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["districts"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["name", "conference", "on_behalf_of", "role", "start_date", "end_date"]
    list_filter = ["conference", "role"]
    search_fields = ["name", "email", "on_behalf_of__name"]
    list_select_related = ["conference", "on_behalf_of"]
    raw_id_fields = ["user", "on_behalf_of"]


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    fk_name = "meeting"
    fields = ["position", "parent", "title", "description", "presenter", "is_public"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "conference", "start", "state", "is_public"]
    list_filter = ["conference", "state", "is_public"]
    list_select_related = ["conference"]
    date_hierarchy = "start"
    raw_id_fields = ["place"]
    readonly_fields = ["state", "sequence", "invited_at", "event"]
    inlines = [AgendaItemInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "meeting", "status", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["name", "email"]
    list_select_related = ["meeting__conference"]
    raw_id_fields = ["meeting"]
    readonly_fields = ["status", "confirmed_at", "cancelled_at"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "conference", "confirmed_at"]
    list_filter = ["conference"]
    search_fields = ["email"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "conference", "responsible", "due_date", "status"]
    list_filter = ["conference", "status"]
    search_fields = ["title"]
    list_select_related = ["conference", "assignee", "organization"]
    raw_id_fields = ["meeting", "agenda_item", "assignee", "organization"]


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ["title", "district", "status", "taken_up_by", "created_at"]
    list_filter = ["status", "topic", "district"]
    search_fields = ["title", "description"]
    list_select_related = ["district", "taken_up_by"]
    raw_id_fields = ["place", "agenda_item", "taken_up_by"]
    # Status changes go through the triage page, which writes the public history.
    readonly_fields = ["status", "author", "confirmed_at"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "start_date", "end_date"]
    list_filter = ["status"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["conferences", "partners", "districts"]
    raw_id_fields = ["events", "concerns", "meetings"]


@admin.register(DatePoll)
class DatePollAdmin(admin.ModelAdmin):
    list_display = ["__str__", "conference", "is_open", "meeting"]
    list_filter = ["conference", "is_open"]
    raw_id_fields = ["place", "meeting"]
