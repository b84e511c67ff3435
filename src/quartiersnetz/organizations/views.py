"""Members pages: who acts for an organisation, invitations, requests to join, leaving."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quartiersnetz.organizations import domain
from quartiersnetz.organizations.forms import InviteForm
from quartiersnetz.organizations.models import Membership, Organization


def _organization(request, slug, perm):
    """The organisation of the address, if the signed-in user has the permission on it."""
    organization = get_object_or_404(Organization, slug=slug)
    if not request.user.has_perm(perm, organization):
        raise PermissionDenied
    return organization


def _report(request, error):
    messages.error(request, " ".join(error.messages))


def _members_page(request, organization, form=None, status=200):
    can_manage = request.user.has_perm("organizations.manage_members", organization)
    memberships = organization.memberships.select_related("user").order_by("created_at")
    context = {
        "organization": organization,
        "can_manage": can_manage,
        "members": memberships.filter(state=Membership.State.ACTIVE).order_by(
            "role", "user__email"
        ),
    }
    if can_manage:
        context.update(
            requests=memberships.filter(state=Membership.State.REQUESTED),
            invitations=memberships.filter(state=Membership.State.INVITED),
            form=form or InviteForm(),
        )
    return render(request, "organizations/members.html", context, status=status)


@login_required
@require_GET
def members(request, slug):
    organization = _organization(request, slug, "organizations.view_members")
    return _members_page(request, organization)


@login_required
@require_POST
def invite(request, slug):
    organization = _organization(request, slug, "organizations.manage_members")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            domain.invite_member(
                organization, form.cleaned_data["email"], form.cleaned_data["role"], request.user
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("The invitation has been sent to %(email)s.") % form.cleaned_data,
            )
            return redirect("organizations:members", slug=organization.slug)
    return _members_page(request, organization, form=form, status=400)


def _answer(request, slug, pk, action, done_message):
    """Run an organisation admin's action on one membership of this organisation."""
    organization = _organization(request, slug, "organizations.manage_members")
    # Looked up within this organisation only: another organisation's id changes nothing.
    membership = Membership.objects.filter(pk=pk, organization=organization).first()
    if membership is None:
        messages.info(request, _("This request or membership no longer exists."))
    else:
        try:
            action(membership, request.user)
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(request, done_message)
    return redirect("organizations:members", slug=organization.slug)


@login_required
@require_POST
def approve(request, slug, pk):
    return _answer(request, slug, pk, domain.approve_request, _("The request has been accepted."))


@login_required
@require_POST
def decline(request, slug, pk):
    return _answer(request, slug, pk, domain.decline_request, _("The request has been declined."))


@login_required
@require_POST
def remove(request, slug, pk):
    return _answer(request, slug, pk, domain.remove_member, _("Removed."))


@login_required
@require_POST
def request_to_join(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    try:
        domain.request_membership(organization, request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(
            request,
            _("Your request has been sent to the administrators of %(organization)s.")
            % {"organization": organization},
        )
    return redirect(organization)


@require_http_methods(["GET", "HEAD", "POST"])
def accept(request, token):
    membership = get_object_or_404(
        Membership.objects.select_related("organization", "invited_by"), token=token
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        try:
            domain.accept_invitation(membership, request.user)
        except ValidationError as error:
            _report(request, error)
            return redirect("organizations:accept", token=token)
        messages.success(
            request,
            _("Welcome: you are now a member of %(organization)s.")
            % {"organization": membership.organization},
        )
        return redirect("organizations:mine")
    context = {
        "membership": membership,
        "organization": membership.organization,
        "email_matches": membership.invited_email in domain.verified_emails(request.user),
    }
    return render(request, "organizations/accept.html", context)


@login_required
@require_GET
def mine(request):
    memberships = request.user.organization_memberships.select_related("organization").order_by(
        "organization__name"
    )
    context = {
        "memberships": memberships.filter(state=Membership.State.ACTIVE),
        "requests": memberships.filter(state=Membership.State.REQUESTED),
        "invitations": Membership.objects.filter(
            state=Membership.State.INVITED,
            invited_email__in=domain.verified_emails(request.user),
        )
        .select_related("organization")
        .order_by("organization__name"),
    }
    return render(request, "organizations/mine.html", context)


@login_required
@require_POST
def leave(request, pk):
    membership = (
        Membership.objects.select_related("organization").filter(pk=pk, user=request.user).first()
    )
    if membership is None:
        messages.info(request, _("You are no longer a member there."))
        return redirect("organizations:mine")
    try:
        domain.leave(membership)
    except ValidationError as error:
        _report(request, error)
    else:
        names = {"organization": membership.organization}
        if membership.state == Membership.State.REQUESTED:
            messages.success(
                request, _("Your request to join %(organization)s is withdrawn.") % names
            )
        else:
            messages.success(request, _("You have left %(organization)s.") % names)
    return redirect("organizations:mine")
