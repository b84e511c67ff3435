"""Forms for conferences and their members (the other parts have forms_<part>.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quartiersnetz.conferences.models import RESERVED_SLUGS, Conference, Membership
from quartiersnetz.core.models import District
from quartiersnetz.events.forms import ErrorSummaryMixin, date_field
from quartiersnetz.organizations.models import Organization


class ConferenceForm(ErrorSummaryMixin, forms.ModelForm):
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The districts the conference covers; the umbrella round covers none."),
    )

    class Meta:
        model = Conference
        fields = ["name", "slug", "kind", "districts", "description", "contact_email", "is_active"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(
                _("“%(slug)s” is a word of the site's addresses. Choose another short name."),
                params={"slug": slug},
                code="reserved",
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Conference.Kind.DISTRICT and not cleaned.get("districts"):
            self.add_error("districts", _("Choose the districts the conference covers."))
        return cleaned


class MembershipForm(ErrorSummaryMixin, forms.ModelForm):
    """A person who takes part: the name, how to reach them, whom they represent."""

    on_behalf_of = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organization.objects.all(),
        required=False,
        empty_label=_("(for themselves)"),
        help_text=_("The organisation the person represents in the conference."),
    )
    start_date = date_field(_("Member since"), required=False)

    class Meta:
        model = Membership
        fields = ["name", "email", "phone", "on_behalf_of", "role", "start_date", "show_contact"]
        help_texts = {
            "email": _(
                "Invitations and minutes go here. If the address has an account, the "
                "membership is linked to it."
            ),
        }


class EndMembershipForm(ErrorSummaryMixin, forms.Form):
    end_date = date_field(
        _("Last day of the membership"),
        required=False,
        help_text=_("Empty: today."),
    )
