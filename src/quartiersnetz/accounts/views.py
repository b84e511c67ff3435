"""Account pages: download one's data, delete one's account; administrators grant roles."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quartiersnetz.accounts import domain
from quartiersnetz.accounts.forms import EraseAccountForm, RoleSearchForm, RolesForm
from quartiersnetz.accounts.models import User

ROLES_PAGE_SIZE = 50


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


def _require_grant_roles(request):
    if not request.user.has_perm("accounts.grant_roles"):
        raise PermissionDenied


@login_required
@require_GET
def roles(request):
    _require_grant_roles(request)
    form = RoleSearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "people": [], "query": "", "page_size": ROLES_PAGE_SIZE}
        return render(request, "accounts/roles.html", context, status=400)
    query = form.cleaned_data["q"].strip()
    people = User.objects.order_by("email")
    if query:
        people = people.filter(Q(email__icontains=query) | Q(name__icontains=query))
    context = {
        "form": form,
        "people": list(people[:ROLES_PAGE_SIZE]),
        "query": query,
        "page_size": ROLES_PAGE_SIZE,
    }
    return render(request, "accounts/roles.html", context)


@login_required
@require_POST
def set_roles(request, pk):
    _require_grant_roles(request)
    person = get_object_or_404(User, pk=pk)
    form = RolesForm(request.POST)
    # Unticked boxes are simply absent, so the form is always valid.
    form.is_valid()
    try:
        domain.set_roles(
            person,
            editor=form.cleaned_data["is_editor"],
            moderator=form.cleaned_data["is_moderator"],
            granted_by=request.user,
        )
    except ValidationError as error:
        raise PermissionDenied from error
    messages.success(request, _("The roles of %(person)s have been saved.") % {"person": person})
    url = reverse("accounts:roles")
    query = request.POST.get("q", "")[: RoleSearchForm.base_fields["q"].max_length]
    if query:
        url = f"{url}?{urlencode({'q': query})}"
    return redirect(url)
