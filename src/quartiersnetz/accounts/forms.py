"""Forms of the account pages."""

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
