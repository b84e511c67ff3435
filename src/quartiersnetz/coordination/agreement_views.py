"""Absprache pages: the agreements of my organisations and one conversation."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from quartiersnetz.coordination import agreements
from quartiersnetz.coordination.models import Agreement


class MessageForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Writing for"), queryset=None, empty_label=None
    )
    text = forms.CharField(
        label=gettext_lazy("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    share_email = forms.BooleanField(
        label=gettext_lazy("Show my email address to the other organisation"), required=False
    )

    def __init__(self, organizations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


@login_required
@require_GET
def agreement_list(request):
    context = {"agreements": agreements.agreements_for(request.user).prefetch_related("messages")}
    return render(request, "coordination/agreements.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agreement(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.select_related("hold", "event", "other_hold", "other_event"), pk=pk
    )
    if not request.user.has_perm("coordination.view_agreement", agreement):
        raise PermissionDenied
    organizations = agreements.acting_organizations(request.user, agreement)
    form = None
    status = 200
    if organizations.exists():
        form = MessageForm(
            organizations,
            request.POST if request.method == "POST" else None,
            initial={"organization": organizations.first()},
        )
    elif request.method == "POST":
        raise PermissionDenied
    if form is not None and form.is_bound:
        if form.is_valid():
            try:
                agreements.post_message(
                    agreement,
                    author=request.user,
                    organization=form.cleaned_data["organization"],
                    text=form.cleaned_data["text"],
                    share_email=form.cleaned_data["share_email"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your message has been sent."))
                return redirect(agreement)
        status = 400
    planned = agreement.hold or agreement.event
    context = {
        "agreement": agreement,
        "planned": planned,
        "clashes_with": agreement.other_hold or agreement.other_event,
        "justification": agreements.justification_of(planned),
        "conversation": agreement.messages.select_related("author", "organization"),
        "form": form,
    }
    return render(request, "coordination/agreement.html", context, status=status)
