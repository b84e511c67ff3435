"""Account pages: download one's data, delete one's account; administrators grant roles;
editors find people and block them."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quartiersnetz.accounts import domain
from quartiersnetz.accounts.forms import (
    BlockForm,
    EraseAccountForm,
    NotificationsForm,
    RoleSearchForm,
    RolesForm,
)
from quartiersnetz.accounts.models import User
from quartiersnetz.accounts.notifications import (
    available_kinds,
    read_unsubscribe_token,
    set_subscriptions,
    subscribed_kinds,
)
from quartiersnetz.accounts.notifications import unsubscribe as stop_notifications
from quartiersnetz.organizations.models import Membership

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


PEOPLE_PAGE_SIZE = 50


def _people_url(person):
    """The people page searched for one person: the editor sees what changed."""
    return f"{reverse('accounts:people')}?{urlencode({'q': person.email})}"


def _require_may_block(request, person):
    # Nobody blocks themselves: an administrator would lock the platform's last door.
    if person.pk == request.user.pk or not request.user.has_perm("accounts.block_user", person):
        raise PermissionDenied


@login_required
@require_GET
def people(request):
    if not request.user.has_perm("accounts.moderate_calendar"):
        raise PermissionDenied
    form = RoleSearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "rows": [], "page": None, "query": ""}
        return render(request, "accounts/people.html", context, status=400)
    query = form.cleaned_data["q"].strip()
    found = User.objects.order_by("email", "pk").prefetch_related(
        Prefetch(
            "organization_memberships",
            queryset=Membership.objects.filter(state=Membership.State.ACTIVE)
            .select_related("organization")
            .order_by("organization__name"),
            to_attr="active_memberships",
        )
    )
    if query:
        found = found.filter(Q(email__icontains=query) | Q(name__icontains=query))
    page = Paginator(found, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "person": person,
            "may_block": person.pk != request.user.pk
            and request.user.has_perm("accounts.block_user", person),
        }
        for person in page
    ]
    context = {"form": form, "rows": rows, "page": page, "query": query}
    return render(request, "accounts/people.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def block(request, pk):
    person = get_object_or_404(User, pk=pk)
    _require_may_block(request, person)
    if not person.is_active:
        messages.info(request, _("%(person)s is already blocked.") % {"person": person})
        return redirect(_people_url(person))
    form = BlockForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            domain.block_user(person, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if error.code == "not_allowed":
                raise PermissionDenied from error
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(person)s has been blocked and can no longer sign in.") % {"person": person},
            )
        return redirect(_people_url(person))
    if form.errors:
        form.fields["reason"].widget.attrs["autofocus"] = True
    memberships = (
        Membership.objects.filter(user=person, state=Membership.State.ACTIVE)
        .select_related("organization")
        .order_by("organization__name")
    )
    context = {"person": person, "form": form, "memberships": memberships}
    return render(request, "accounts/block.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def unblock(request, pk):
    person = get_object_or_404(User, pk=pk)
    _require_may_block(request, person)
    if person.is_active:
        messages.info(request, _("%(person)s is not blocked.") % {"person": person})
    else:
        try:
            domain.unblock_user(person, by=request.user)
        except ValidationError as error:
            raise PermissionDenied from error
        messages.success(request, _("%(person)s can sign in again.") % {"person": person})
    return redirect(_people_url(person))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notifications(request):
    """The kinds of mail the person asked for (opt-in)."""
    form = NotificationsForm(
        available_kinds(request.user),
        request.POST if request.method == "POST" else None,
        initial={"kinds": sorted(subscribed_kinds(request.user))},
    )
    if form.is_bound:
        if form.is_valid():
            set_subscriptions(request.user, form.cleaned_data["kinds"])
            messages.success(request, _("Your choice of mails has been saved."))
            return redirect("accounts:notifications")
        return render(request, "accounts/notifications.html", {"form": form}, status=400)
    return render(request, "accounts/notifications.html", {"form": form})


# Mail programs send the one-click unsubscribe (RFC 8058) as a POST without a CSRF
# token; the signed token in the address is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Stop one kind of mail from the link in a mail, without signing in."""
    try:
        person, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        stop_notifications(person, kind)
    context = {"person": person, "kind": kind, "done": request.method == "POST"}
    return render(request, "accounts/unsubscribe.html", context)
