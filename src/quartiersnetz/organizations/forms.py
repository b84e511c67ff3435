"""Forms of the members pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from quartiersnetz.organizations.models import Membership


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
