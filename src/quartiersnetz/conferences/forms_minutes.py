"""Forms of the minutes and action items: the minutes with a text and decision per agenda
item (and new action items agreed there), comments, and the action item form."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quartiersnetz.conferences.domain import minutes as minutes_domain
from quartiersnetz.conferences.models import ActionItem, Meeting, Membership
from quartiersnetz.core.timeutil import local_today, localize
from quartiersnetz.events.forms import ErrorSummaryMixin, date_field
from quartiersnetz.organizations.models import Organization


def members_of(conference, keep=None):
    """The conference's current members to choose from (plus keep, an earlier choice)."""
    condition = Q(pk__in=Membership.objects.current(local_today()).filter(conference=conference))
    if keep is not None:
        condition |= Q(pk=keep)
    return (
        Membership.objects.filter(condition).select_related("on_behalf_of").order_by("name", "pk")
    )


def organizations_of(conference, keep=None):
    """The organisations the conference's current members represent (plus keep)."""
    condition = Q(
        pk__in=Membership.objects.current(local_today())
        .filter(conference=conference, on_behalf_of__isnull=False)
        .values("on_behalf_of_id")
    )
    if keep is not None:
        condition |= Q(pk=keep)
    return Organization.objects.filter(condition).order_by("name")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class MinutesForm(ErrorSummaryMixin, forms.Form):
    """The general notes and, per agenda item, the minutes, the decision and one new
    action item (fields named item-<id>-…)."""

    # Minutes.version when the form was opened: a save in between is noticed.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    notes = forms.CharField(
        label=_("General notes"),
        required=False,
        max_length=minutes_domain.NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Who was there, what was said besides the agenda. Markdown. The public sees "
            "the general notes with the public items once the minutes are published."
        ),
    )

    def __init__(self, *args, minutes, agenda, conference, **kwargs):
        """agenda: the meeting's domain.agenda.numbered_items."""
        super().__init__(*args, **kwargs)
        self.agenda = agenda
        self.initial.setdefault("version", minutes.version)
        self.initial.setdefault("notes", minutes.notes)
        # Read once: every agenda item offers the same people and organisations.
        self.members = {member.pk: member for member in members_of(conference)}
        self.organizations = {org.pk: org for org in organizations_of(conference)}
        member_choices = [("", "---------")] + [
            (pk, str(member)) for pk, member in self.members.items()
        ]
        organization_choices = [("", "---------")] + [
            (pk, org.name) for pk, org in self.organizations.items()
        ]
        for entry in agenda:
            number, item = entry.number, entry.item
            prefix = f"item-{item.pk}-"
            self.fields[f"{prefix}minutes"] = forms.CharField(
                label=_("Minutes of item %(number)s") % {"number": number},
                required=False,
                max_length=minutes_domain.ITEM_MINUTES_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=_("Markdown."),
            )
            self.fields[f"{prefix}decision"] = forms.CharField(
                label=_("Decision on item %(number)s") % {"number": number},
                required=False,
                max_length=minutes_domain.DECISION_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Empty if nothing was decided."),
            )
            self.fields[f"{prefix}action-title"] = forms.CharField(
                label=_("What is to be done"),
                required=False,
                max_length=ActionItem._meta.get_field("title").max_length,
            )
            self.fields[f"{prefix}action-assignee"] = forms.TypedChoiceField(
                label=_("Who (member)"),
                choices=member_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"{prefix}action-organization"] = forms.TypedChoiceField(
                label=_("Who (organisation)"),
                choices=organization_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"{prefix}action-due"] = date_field(_("Due by"), required=False)
            self.initial.setdefault(f"{prefix}minutes", item.minutes)
            self.initial.setdefault(f"{prefix}decision", item.decision)

    def clean(self):
        cleaned = super().clean()
        for entry in self.agenda:
            prefix = f"item-{entry.item.pk}-action-"
            title = cleaned.get(f"{prefix}title")
            who = cleaned.get(f"{prefix}assignee") or cleaned.get(f"{prefix}organization")
            if not title and (who or cleaned.get(f"{prefix}due")):
                self.add_error(f"{prefix}title", _("Say what is to be done."))
            elif title and not who:
                self.add_error(
                    f"{prefix}assignee", _("Choose who does it: a member or an organisation.")
                )
        return cleaned

    def rows(self):
        """Per agenda item its number, the item and its bound fields, for the template."""
        return [
            {
                "number": entry.number,
                "label": entry.label,
                "item": entry.item,
                # The description as the public reads it (Markdown rendered), for a hint.
                "description_html": entry.description_html,
                "depth": entry.depth,
                "internal": entry.internal,
                "minutes": self[f"item-{entry.item.pk}-minutes"],
                "decision": self[f"item-{entry.item.pk}-decision"],
                "action_fields": [
                    self[f"item-{entry.item.pk}-action-{name}"]
                    for name in ("title", "assignee", "organization", "due")
                ],
                "action_errors": any(
                    f"item-{entry.item.pk}-action-{name}" in self.errors
                    for name in ("title", "assignee", "organization", "due")
                ),
            }
            for entry in self.agenda
        ]

    def item_texts(self):
        """{agenda item id: (minutes, decision)} as entered."""
        return {
            entry.item.pk: (
                self.cleaned_data[f"item-{entry.item.pk}-minutes"],
                self.cleaned_data[f"item-{entry.item.pk}-decision"],
            )
            for entry in self.agenda
        }

    def new_action_items(self):
        """Unsaved action items entered under the agenda items."""
        items = []
        for entry in self.agenda:
            item = entry.item
            prefix = f"item-{item.pk}-action-"
            if not self.cleaned_data.get(f"{prefix}title"):
                continue
            items.append(
                ActionItem(
                    agenda_item=item,
                    meeting_id=item.meeting_id,
                    title=self.cleaned_data[f"{prefix}title"],
                    assignee=self.members.get(self.cleaned_data.get(f"{prefix}assignee")),
                    organization=self.organizations.get(
                        self.cleaned_data.get(f"{prefix}organization")
                    ),
                    due_date=self.cleaned_data.get(f"{prefix}due"),
                )
            )
        return items


class CommentForm(ErrorSummaryMixin, forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=minutes_domain.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Corrections and additions for the writer of the minutes; the members and "
            "the moderators see your comment with your name."
        ),
    )
    # The personal link of a member without an account, carried along.
    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class ActionItemForm(ErrorSummaryMixin, forms.ModelForm):
    """What, who and when; the status has its own buttons."""

    due_date = date_field(_("Due by"), required=False)

    class Meta:
        model = ActionItem
        fields = ["title", "description", "assignee", "organization", "due_date", "meeting"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "assignee": _("Reminders go to this person (or else to the organisation)."),
            "meeting": _("The meeting at which it was agreed, if any."),
        }

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.conference = conference
        self.fields["assignee"] = MemberChoiceField(
            label=_("Who (member)"),
            queryset=members_of(conference, keep=self.instance.assignee_id),
            required=False,
            help_text=self.fields["assignee"].help_text,
        )
        self.fields["organization"].queryset = organizations_of(
            conference, keep=self.instance.organization_id
        )
        self.fields["organization"].label = _("Who (organisation)")
        meetings = Q(conference=conference) & ~Q(state=Meeting.State.CANCELLED)
        if self.instance.meeting_id is not None:
            meetings |= Q(pk=self.instance.meeting_id)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(meetings).select_related("conference").order_by("-start")
        )
        self.fields["meeting"].label_from_instance = meeting_label

    def clean(self):
        cleaned = super().clean()
        who_failed = "assignee" in self.errors or "organization" in self.errors
        if not (cleaned.get("assignee") or cleaned.get("organization")) and not who_failed:
            self.add_error("assignee", _("Choose who does it: a member or an organisation."))
        meeting = cleaned.get("meeting")
        if self.instance.agenda_item_id is not None and (
            meeting is None or meeting.pk != self.instance.agenda_item.meeting_id
        ):
            # Moved to another meeting (or none): it no longer belongs to the old item.
            self.instance.agenda_item = None
        return cleaned


def meeting_label(meeting):
    return f"{localize(meeting.start):%d.%m.%Y} – {meeting.display_title}"


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


STATUS_FILTER_CHOICES = [("", _("All")), *ActionItem.Status.choices]


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
