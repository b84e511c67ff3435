"""Privacy page: download one's data, delete one's account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quartiersnetz.accounts import domain
from quartiersnetz.accounts.forms import EraseAccountForm


def _privacy_page(request, form=None, status=200):
    context = {
        "form": form or EraseAccountForm(request.user),
        "handover": domain.organizations_needing_handover(request.user),
    }
    return render(request, "accounts/privacy.html", context, status=status)


@login_required
@require_GET
def privacy(request):
    return _privacy_page(request)


@login_required
@require_GET
def download_data(request):
    data = domain.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"quartiersnetz-daten-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def erase(request):
    form = EraseAccountForm(request.user, request.POST)
    if form.is_valid():
        try:
            domain.erase_account(request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("events:home")
    return _privacy_page(request, form=form, status=400)
