"""Forms of the account pages."""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from django import forms
from django.utils.translation import gettext_lazy as _


class EraseAccountForm(forms.Form):
    """Deleting an account asks for the password again: a left-open session is not enough."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be deleted for good."),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("This is not your current password. Nothing has been deleted."),
                code="wrong_password",
            )
        return password


class RoleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Email address or name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class RolesForm(forms.Form):
    is_editor = forms.BooleanField(label=_("Editor"), required=False)
    is_moderator = forms.BooleanField(label=_("Conference moderator"), required=False)


class NotificationsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Send me an email about"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, kinds, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(kind.value, kind.label) for kind in kinds]


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for blocking"),
        help_text=_("Kept in the activity log for the other editors; the person is not told."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give a reason for blocking.")},
    )


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up form with a trap for bots that fill every field.

    allauth's own honeypot hides its field with an inline style, which the strict
    Content-Security-Policy forbids; this one is hidden by the stylesheet.
    """

    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(
            attrs={"tabindex": "-1", "autocomplete": "off", "class": "trap-field"}
        ),
    )

    def try_save(self, request):
        if self.cleaned_data.get("homepage"):
            # A bot is told what a person would be told; no account is created.
            return None, get_adapter().respond_email_verification_sent(request, None)
        return super().try_save(request)
