"""Who acts for an organisation: invitations, requests to join, approval, leaving."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.accounts.models import NotificationKind, User
from quartiersnetz.accounts.notifications import notify
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.organizations.models import Membership, Organization


def _lock(organization):
    """Serialise membership changes of one organisation (the last-admin rule counts rows)."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()


def _reload(membership):
    """The membership as stored now, or an error when it is gone."""
    current = Membership.objects.filter(pk=membership.pk).first()
    if current is None:
        raise ValidationError(
            _("This membership, request or invitation no longer exists."), code="gone"
        )
    return current


def active_admins(organization):
    return Membership.objects.filter(
        organization=organization, state=Membership.State.ACTIVE, role=Membership.Role.ADMIN
    )


def _refuse_last_admin(membership):
    if (
        membership.state == Membership.State.ACTIVE
        and membership.role == Membership.Role.ADMIN
        and not active_admins(membership.organization).exclude(pk=membership.pk).exists()
    ):
        raise ValidationError(
            _(
                "%(organization)s needs at least one administrator: appoint another "
                "administrator first."
            )
            % {"organization": membership.organization},
            code="last_admin",
        )


def verified_emails(user):
    return {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


# An invitation link is valid this long; an old mail must not let someone in years later.
INVITATION_VALID_DAYS = 14


def invitation_cutoff():
    return timezone.now() - dt.timedelta(days=INVITATION_VALID_DAYS)


@transaction.atomic
def invite_member(organization, email, role, invited_by):
    """Invite an email address to act for the organisation; mails the link to accept."""
    email = (email or "").strip().lower()
    validate_email(email)
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose a valid role."), code="invalid_role")
    _lock(organization)
    people_with_email = User.objects.filter(
        Q(email__iexact=email) | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
    )
    existing = Membership.objects.filter(organization=organization, user__in=people_with_email)
    if existing.filter(state=Membership.State.ACTIVE).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(organization)s.")
            % {"email": email, "organization": organization},
            code="already_member",
        )
    if existing.filter(state=Membership.State.REQUESTED).exists():
        raise ValidationError(
            _("%(email)s has already asked to join: accept the request instead.")
            % {"email": email},
            code="already_requested",
        )
    open_invitations = Membership.objects.filter(
        organization=organization, invited_email=email, state=Membership.State.INVITED
    )
    # An expired invitation makes way for a new one.
    open_invitations.filter(created_at__lt=invitation_cutoff()).delete()
    if open_invitations.exists():
        raise ValidationError(
            _("An invitation to %(email)s is already open.") % {"email": email},
            code="already_invited",
        )
    membership = Membership.objects.create(
        organization=organization,
        invited_email=email,
        role=role,
        state=Membership.State.INVITED,
        invited_by=invited_by,
    )
    send_bilingual_mail(
        "organizations/mail/invitation.txt",
        {
            "organization": organization,
            "membership": membership,
            "invited_by": invited_by,
            "valid_days": INVITATION_VALID_DAYS,
            "accept_url": absolute_url(
                reverse("organizations:accept", kwargs={"token": membership.token})
            ),
        },
        [email],
    )
    return membership


@transaction.atomic
def accept_invitation(membership, user):
    """The signed-in person whose verified address was invited becomes a member."""
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Sign in to accept the invitation."), code="anonymous")
    _lock(membership.organization)
    membership = _reload(membership)
    if membership.state == Membership.State.ACTIVE and membership.user_id == user.pk:
        return membership  # accepted twice: nothing more to do
    if membership.state != Membership.State.INVITED:
        raise ValidationError(_("This invitation has already been used."), code="used")
    if membership.created_at < invitation_cutoff():
        raise ValidationError(
            _(
                "This invitation has expired. Ask an administrator of %(organization)s "
                "to invite you again."
            )
            % {"organization": membership.organization},
            code="expired",
        )
    if membership.invited_email.lower() not in verified_emails(user):
        raise ValidationError(
            _(
                "This invitation was sent to %(email)s. Sign in with that address, or add "
                "and confirm it in your account, to accept it."
            )
            % {"email": membership.invited_email},
            code="wrong_email",
        )
    earlier = Membership.objects.filter(organization=membership.organization, user=user).first()
    if earlier is not None:
        # A pending request or an existing membership merges into one row.
        if membership.role == Membership.Role.ADMIN:
            earlier.role = Membership.Role.ADMIN
        earlier.state = Membership.State.ACTIVE
        earlier.save(update_fields=["role", "state", "updated_at"])
        membership.delete()
        return earlier
    membership.user = user
    membership.state = Membership.State.ACTIVE
    membership.save(update_fields=["user", "state", "updated_at"])
    return membership


def request_answerers(organization):
    """Who answers requests to join: the organisation's administrators, else the editors."""
    admins = User.objects.filter(pk__in=active_admins(organization).values("user"), is_active=True)
    if admins.exists():
        return admins
    return User.objects.filter(Q(is_editor=True) | Q(is_superuser=True), is_active=True)


@transaction.atomic
def request_membership(organization, user):
    """A signed-in person asks to act for the organisation; its administrators are mailed."""
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Sign in to ask to join."), code="anonymous")
    _lock(organization)
    existing = Membership.objects.filter(organization=organization, user=user).first()
    if existing is not None and existing.state == Membership.State.ACTIVE:
        raise ValidationError(
            _("You are already a member of %(organization)s.") % {"organization": organization},
            code="already_member",
        )
    if existing is not None:
        raise ValidationError(
            _("You have already asked to join %(organization)s; the request is pending.")
            % {"organization": organization},
            code="already_requested",
        )
    membership = Membership.objects.create(
        organization=organization,
        user=user,
        role=Membership.Role.MEMBER,
        state=Membership.State.REQUESTED,
    )
    notify(
        request_answerers(organization),
        NotificationKind.MEMBERSHIP_REQUESTS,
        "organizations/mail/request.txt",
        {
            "organization": organization,
            "membership": membership,
            "person": user,
            "members_url": absolute_url(
                reverse("organizations:members", kwargs={"slug": organization.slug})
            ),
        },
    )
    return membership


def _pending_request(membership):
    _lock(membership.organization)
    membership = _reload(membership)
    if membership.state != Membership.State.REQUESTED:
        raise ValidationError(_("This request has already been answered."), code="answered")
    return membership


@transaction.atomic
def approve_request(membership, by):
    """Accept a request to join; the person is told by mail."""
    membership = _pending_request(membership)
    membership.state = Membership.State.ACTIVE
    membership.save(update_fields=["state", "updated_at"])
    send_bilingual_mail(
        "organizations/mail/approved.txt",
        {
            "organization": membership.organization,
            "organization_url": absolute_url(membership.organization.get_absolute_url()),
        },
        [membership.user.email],
    )
    return membership


@transaction.atomic
def decline_request(membership, by):
    """Decline a request to join; the person may ask again later."""
    membership = _pending_request(membership)
    membership.delete()


@transaction.atomic
def remove_member(membership, by):
    """Remove a member, or withdraw an open invitation; never the last administrator."""
    _lock(membership.organization)
    membership = _reload(membership)
    _refuse_last_admin(membership)
    membership.delete()


@transaction.atomic
def leave(membership):
    """A member stops acting for the organisation, or withdraws a request to join."""
    _lock(membership.organization)
    membership = _reload(membership)
    _refuse_last_admin(membership)
    membership.delete()


def own_membership(user, organization):
    """The user's membership, request or accepted invitation in the organisation, if any."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(organization=organization, user=user).first()
