"""Forms of the citizens' sign-up, the invitations by mail and the attendance."""

from django import forms
from django.utils.translation import gettext_lazy as _

from quartiersnetz.conferences.models import Registration
from quartiersnetz.events.forms import ErrorSummaryMixin

# The name of the hidden trap field for bots (see site.css: label[for="id_homepage"]).
TRAP_FIELD = "homepage"


def trap_field():
    """A trap for bots that fill every field; people do not see it (see site.css)."""
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(
            attrs={"tabindex": "-1", "autocomplete": "off", "class": "trap-field"}
        ),
    )


class SignUpForm(ErrorSummaryMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=Registration._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send you a link to confirm your sign-up. It is not published."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        required=False,
        max_length=Registration._meta.get_field("accessibility_needs").max_length,
        help_text=_(
            "For example step-free access, a hearing loop or sign language. "
            "Only the moderators see it. At most 1,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    homepage = trap_field()

    def __init__(self, *args, **kwargs):
        # The form sits on the meeting's page among others: its own ids.
        kwargs.setdefault("auto_id", "signup-%s")
        super().__init__(*args, **kwargs)


class SubscribeForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send you a link to confirm. Every invitation has a link to stop them."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    homepage = trap_field()


class AttendanceForm(ErrorSummaryMixin, forms.Form):
    """Who took part: checkboxes for the members and the citizens who signed up."""

    members = forms.MultipleChoiceField(
        label=_("Members present"), required=False, widget=forms.CheckboxSelectMultiple
    )
    registrations = forms.MultipleChoiceField(
        label=_("Citizens present who signed up"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    walk_in_count = forms.IntegerField(
        label=_("Further guests"),
        min_value=0,
        max_value=10_000,
        help_text=_("People who came without signing up and are not members."),
    )

    def __init__(self, *args, members, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [
            (str(member.pk), _member_label(member)) for member in members
        ]
        self.fields["registrations"].choices = [
            (str(registration.pk), registration.name) for registration in registrations
        ]

    def cleaned_ids(self, name):
        return [int(pk) for pk in self.cleaned_data[name]]


def _member_label(member):
    if member.on_behalf_of_id:
        return _("%(name)s (%(organization)s)") % {
            "name": member.name,
            "organization": member.on_behalf_of.name,
        }
    return member.name
