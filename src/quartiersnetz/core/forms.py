"""Forms of the legal pages: editing a page, reporting a barrier."""

from django import forms
from django.utils.translation import gettext_lazy as _

from quartiersnetz.core.models import BarrierReport, LegalPage


class LegalPageForm(forms.ModelForm):
    class Meta:
        model = LegalPage
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 25})}


class BarrierReportForm(forms.ModelForm):
    # A trap for bots that fill every field; people do not see it (see site.css).
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = BarrierReport
        fields = ["description", "page_url", "name", "email", "wants_reply"]
        labels = {
            "description": _("Which barrier did you meet?"),
            "page_url": _("Address of the page (optional)"),
            "name": _("Your name (optional)"),
            "email": _("Your email address (needed for a reply)"),
            "wants_reply": _("I would like a reply"),
        }
        help_texts = {
            "description": _("Describe what did not work and how you use the site, if you like."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("wants_reply") and not cleaned_data.get("email"):
            self.add_error("email", _("Enter your email address so that we can reply."))
        return cleaned_data
