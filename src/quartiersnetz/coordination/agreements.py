"""Absprache: when a new hold or event clashes with another organisation's plans, both
organisations talk it over on the platform, without seeing each other's email address
unless the writer chooses to show it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from quartiersnetz.accounts.models import NotificationKind, User
from quartiersnetz.accounts.notifications import notify
from quartiersnetz.accounts.rules import is_editor
from quartiersnetz.coordination.engine import Severity
from quartiersnetz.coordination.models import Agreement, AgreementMessage, DateHold
from quartiersnetz.core.mail import absolute_url
from quartiersnetz.events.models import Event
from quartiersnetz.organizations.models import Membership

# Conflicts from this severity on open an agreement with the other organisation.
AGREEMENT_FROM = Severity.MEDIUM


def _booked(key):
    """The hold or event a booking key ("hold:3", "event:12") names, or None."""
    kind, _separator, pk = key.partition(":")
    model = {"hold": DateHold, "event": Event}.get(kind)
    if model is None or not pk.isdigit():
        return None
    return model.objects.filter(pk=int(pk)).first()


def _subject_fields(subject, prefix=""):
    if isinstance(subject, DateHold):
        return {f"{prefix}hold": subject}
    return {f"{prefix}event": subject}


def with_others(conflicts, organization_ids):
    """The conflicts that concern another organisation's plans or the calendar: an
    organisation's own plans are shown, but need no reason and no agreement."""
    own = frozenset(organization_ids)
    return [
        conflict
        for conflict in conflicts
        if conflict.booking is None or conflict.booking.organization_ids - own
    ]


def justification_of(subject):
    """Why the organiser keeps the date despite a serious conflict ("" if not given)."""
    if isinstance(subject, DateHold):
        return subject.justification
    if isinstance(subject, Event):
        return subject.conflict_justification
    return ""


def _organizations_of(subject):
    if isinstance(subject, DateHold):
        return [subject.organization]
    return list(subject.organizers.all())


@transaction.atomic
def record_conflicts(subject, conflicts, actor):
    """Open one agreement per other organisation's booking the subject clashes with, and
    tell that organisation's members who asked for such mails. Returns the new ones."""
    own = {organization.pk for organization in _organizations_of(subject)}
    opened = []
    seen = set()
    for conflict in conflicts:
        booking = conflict.booking
        if booking is None or conflict.severity < AGREEMENT_FROM or booking.key in seen:
            continue
        seen.add(booking.key)
        if not (booking.organization_ids - own):
            continue  # the organisation's own plans: nothing to agree with anyone
        other = _booked(booking.key)
        if other is None:
            continue
        fields = {**_subject_fields(subject), **_subject_fields(other, "other_")}
        if Agreement.objects.filter(**fields).exists():
            continue
        agreement = Agreement.objects.create(summary=conflict.message[:300], **fields)
        agreement.organizations.set(own | booking.organization_ids)
        opened.append(agreement)
        notify(
            User.objects.filter(
                organization_memberships__organization_id__in=booking.organization_ids - own,
                organization_memberships__state=Membership.State.ACTIVE,
            ),
            NotificationKind.DATE_CONFLICTS,
            "coordination/mail/conflict.txt",
            {
                "agreement": agreement,
                "subject": subject,
                "other": other,
                "reason": conflict.message,
                "justification": justification_of(subject),
                "agreement_url": absolute_url(agreement.get_absolute_url()),
            },
        )
    return opened


def agreements_for(user):
    """The agreements of the organisations the person acts for (editors: all)."""
    agreements = Agreement.objects.all()
    if not is_editor(user):
        agreements = agreements.filter(
            organizations__memberships__user=user,
            organizations__memberships__state=Membership.State.ACTIVE,
        ).distinct()
    return agreements.prefetch_related("organizations")


def acting_organizations(user, agreement):
    """The agreement's organisations the person may write for."""
    return agreement.organizations.filter(
        Q(memberships__user=user, memberships__state=Membership.State.ACTIVE)
    ).distinct()


@transaction.atomic
def post_message(agreement, *, author, organization, text, share_email=False):
    """Write in an agreement for one of the person's organisations; the others are told."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a message."), code="required")
    if not acting_organizations(author, agreement).filter(pk=organization.pk).exists():
        raise ValidationError(
            _("You can only write for an organisation of this agreement that you act for."),
            code="not_member",
        )
    message = AgreementMessage.objects.create(
        agreement=agreement,
        author=author,
        organization=organization,
        text=text,
        share_email=bool(share_email),
    )
    others = agreement.organizations.exclude(pk=organization.pk)
    notify(
        User.objects.filter(
            organization_memberships__organization__in=others,
            organization_memberships__state=Membership.State.ACTIVE,
        ),
        NotificationKind.DATE_CONFLICTS,
        "coordination/mail/agreement_message.txt",
        {
            "agreement": agreement,
            "message": message,
            "agreement_url": absolute_url(
                reverse("coordination:agreement", kwargs={"pk": agreement.pk})
            ),
        },
    )
    return message
