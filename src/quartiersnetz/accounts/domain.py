"""Account changes: roles granted by administrators, and privacy rights (Art. 15/17/20 GDPR)."""

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartiersnetz.accounts.models import NotificationSubscription, User
from quartiersnetz.accounts.rules import is_administrator
from quartiersnetz.conferences.domain import privacy as conference_data
from quartiersnetz.core.activity import history, log_activity
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.core.models import ActivityLog
from quartiersnetz.organizations.models import Membership, Organization

EXPORT_LANGUAGES = ("de", "en")
EXPORT_EXPLANATION = gettext_lazy(
    "This file holds all personal data that Quartiersnetz stores about your account: "
    "your account, your email addresses, the organisations you act for or asked to join, "
    "the invitations you sent and the invitations sent to you, the mails you asked for, "
    "your part in district conferences (memberships, answers to date polls, sign-ups for "
    "meetings, invitations by mail, comments on minutes) and what you did on the platform "
    "(activity). Events belong to the "
    "organisations that publish them and are not part of your personal data."
)


@transaction.atomic
def set_roles(user, *, editor, moderator, granted_by):
    """Give or take the editor and moderator roles; the person is told by mail of a change."""
    # The view checks the permission too; this guards every other caller.
    if not is_administrator(granted_by):
        raise ValidationError(
            _("Only administrators may grant or remove roles."), code="not_administrator"
        )
    # Lock the row so two administrators saving at once both see the stored flags.
    user = User.objects.select_for_update().get(pk=user.pk)
    previous = {"editor": user.is_editor, "moderator": user.is_moderator}
    user.is_editor, user.is_moderator = bool(editor), bool(moderator)
    current = {"editor": user.is_editor, "moderator": user.is_moderator}
    if current == previous:
        return user
    user.save(update_fields=["is_editor", "is_moderator"])
    send_bilingual_mail(
        "accounts/mail/roles_changed.txt",
        {
            "is_editor": user.is_editor,
            "is_moderator": user.is_moderator,
            "site_url": absolute_url(reverse("events:home")),
        },
        [user.email],
    )
    return user


@transaction.atomic
def block_user(person, *, by, reason):
    """Stop a person from signing in; what they published stays with their organisations."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for blocking."), code="required")
    if not by.has_perm("accounts.block_user", person) or person.pk == by.pk:
        raise ValidationError(_("You may not block this person."), code="not_allowed")
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(_("This person is already blocked."), code="already_blocked")
    person.is_active = False
    person.save(update_fields=["is_active"])
    # Signed-in sessions end at once, not when they expire.
    Session.objects.filter(session_key__in=_sessions_of(person)).delete()
    log_activity(person, by, "blocked", message=reason)
    return person


@transaction.atomic
def unblock_user(person, *, by):
    if not by.has_perm("accounts.block_user", person):
        raise ValidationError(_("You may not unblock this person."), code="not_allowed")
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        return person
    person.is_active = True
    person.save(update_fields=["is_active"])
    log_activity(person, by, "unblocked")
    return person


def _iso(value):
    return value.isoformat() if value is not None else None


def _verified_addresses(user):
    return [
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]


def _open_invitations_to(user):
    """Invitations not yet accepted whose address is one of the person's verified ones."""
    return Membership.objects.filter(
        state=Membership.State.INVITED,
        user=None,
        invited_email__in=_verified_addresses(user),
    )


def export_personal_data(user):
    """Everything stored about the person, as a JSON-serialisable dict with ISO dates."""
    explanation = {}
    for language in EXPORT_LANGUAGES:
        with translation.override(language):
            explanation[language] = str(EXPORT_EXPLANATION)
    return {
        "generated_at": _iso(timezone.now()),
        "explanation": explanation,
        "account": {
            "email": user.email,
            "name": user.name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "roles": {
                "active": user.is_active,
                "editor": user.is_editor,
                "moderator": user.is_moderator,
                "staff": user.is_staff,
                "administrator": user.is_superuser,
            },
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "memberships": [
            {
                "organization": membership.organization.name,
                "organization_slug": membership.organization.slug,
                "role": membership.role,
                "state": membership.state,
                "since": _iso(membership.created_at),
            }
            for membership in Membership.objects.filter(user=user)
            .select_related("organization")
            .order_by("organization__name")
        ],
        "invitations_sent": [
            {
                "email": membership.invited_email,
                "organization": membership.organization.name,
                "state": membership.state,
                "sent_at": _iso(membership.created_at),
            }
            for membership in Membership.objects.filter(invited_by=user)
            .select_related("organization")
            .order_by("created_at")
        ],
        "notifications": sorted(
            NotificationSubscription.objects.filter(user=user).values_list("kind", flat=True)
        ),
        "activity": [
            {
                "action": entry.action,
                "object": entry.object_label,
                "message": entry.message,
                "at": _iso(entry.created_at),
            }
            for entry in ActivityLog.objects.filter(actor=user).order_by("created_at", "pk")
        ],
        **conference_data.export(user, _verified_addresses(user)),
        "invitations_received": [
            {
                "email": membership.invited_email,
                "organization": membership.organization.name,
                "sent_at": _iso(membership.created_at),
            }
            for membership in _open_invitations_to(user)
            .select_related("organization")
            .order_by("created_at")
        ],
    }


def organizations_needing_handover(user):
    """Organisations where the person is the only administrator and others still act."""
    admin_of = Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE, role=Membership.Role.ADMIN
    ).values("organization")
    return (
        Organization.objects.filter(pk__in=admin_of)
        .annotate(
            other_admins=Count(
                "memberships",
                filter=Q(
                    memberships__state=Membership.State.ACTIVE,
                    memberships__role=Membership.Role.ADMIN,
                )
                & ~Q(memberships__user=user),
            ),
            other_members=Count(
                "memberships",
                filter=Q(memberships__state=Membership.State.ACTIVE) & ~Q(memberships__user=user),
            ),
        )
        .filter(other_admins=0, other_members__gt=0)
        .order_by("name")
    )


def _sessions_of(user):
    # Sessions store the user id only inside their signed data, so each live one is
    # decoded; a town's platform has few enough sessions for this to stay cheap.
    user_id = str(user.pk)
    return [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]


@transaction.atomic
def erase_account(user):
    """Delete the person and everything personal; their organisations and events stay."""
    # Lock the organisations first, as organizations.domain does, so no other
    # administrator can leave between the check and the deletion.
    organization_ids = list(
        Membership.objects.filter(user=user).values_list("organization_id", flat=True)
    )
    list(
        Organization.objects.select_for_update()
        .filter(pk__in=organization_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    blocking = list(organizations_needing_handover(user).values_list("name", flat=True))
    if blocking:
        raise ValidationError(
            _(
                "You are the only administrator of %(organizations)s. Appoint another "
                "administrator there first, then delete your account."
            )
            % {"organizations": ", ".join(blocking)},
            code="last_admin",
        )
    Membership.objects.filter(user=user).delete()
    conference_data.erase(user, _verified_addresses(user))
    _open_invitations_to(user).delete()
    # Invitations the person sent belong to the organisation; only the sender is forgotten.
    Membership.objects.filter(invited_by=user).update(invited_by=None)
    EmailAddress.objects.filter(user=user).delete()
    Session.objects.filter(session_key__in=_sessions_of(user)).delete()
    # Entries about the person name them; entries by them keep the deed, not the doer.
    history(user).delete()
    user.delete()
