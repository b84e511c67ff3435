"""Invitations to a meeting by mail, each with an iCalendar invitation (RFC 5546):
METHOD:REQUEST for the invitation and its updates (same UID, raised SEQUENCE),
METHOD:CANCEL when the meeting is cancelled.

Members receive the whole agenda (internal items marked); the subscribers of a public
meeting receive its public items, the sign-up link and their unsubscribe link; citizens
who signed up hear of updates and of the cancellation. One mail per person: the
ATTENDEE and the links differ.
"""

import datetime as dt
from dataclasses import dataclass

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quartiersnetz.conferences.domain import agenda, meetings, registrations, subscriptions
from quartiersnetz.conferences.models import Meeting, Membership, Registration
from quartiersnetz.core.activity import log_activity
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.core.timeutil import local_today

PRODID = "-//Quartiersnetz//Conferences//DE"
# A second "send" this soon after the first is a double click, not a wish to resend.
RESEND_PAUSE = dt.timedelta(minutes=1)
ICS_FILENAME = "einladung.ics"


class Kind:
    """Who a recipient is to the meeting."""

    MEMBER = "member"
    SUBSCRIBER = "subscriber"
    REGISTRATION = "registration"


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    kind: str
    # Subscribers: the one-click unsubscribe address; sign-ups: their own page.
    unsubscribe_url: str = ""
    registration_url: str = ""

    @property
    def sees_internal(self):
        return self.kind == Kind.MEMBER


# --- Who is invited --------------------------------------------------------------------


def _members(meeting, seen):
    found = []
    memberships = (
        Membership.objects.filter(conference=meeting.conference_id)
        .current(local_today())
        .select_related("user")
        .order_by("name", "pk")
    )
    for membership in memberships:
        address = (membership.address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            found.append(Recipient(address, membership.name, Kind.MEMBER))
    return found


def _subscribers(meeting, seen):
    if not meeting.is_public:
        return []
    found = []
    for subscriber in subscriptions.confirmed_subscribers(meeting.conference):
        address = subscriber.email.strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            found.append(
                Recipient(
                    address,
                    "",
                    Kind.SUBSCRIBER,
                    unsubscribe_url=subscriptions.unsubscribe_url(subscriber),
                )
            )
    return found


def _registrations(meeting, seen):
    found = []
    for registration in Registration.objects.filter(
        meeting=meeting, status__in=registrations.ACTIVE_STATUSES
    ).order_by("pk"):
        address = registration.email.strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            found.append(
                Recipient(
                    address,
                    registration.name,
                    Kind.REGISTRATION,
                    registration_url=registrations.registration_url(registration),
                )
            )
    return found


def invited(meeting):
    """Everyone an invitation goes to: the current members with an address and, for a
    public meeting, the confirmed subscribers (an address once)."""
    seen = set()
    return _members(meeting, seen) + _subscribers(meeting, seen)


def concerned(meeting):
    """Everyone an update or the cancellation goes to: the invited and the citizens who
    hold a seat or wait for one."""
    seen = set()
    return _members(meeting, seen) + _subscribers(meeting, seen) + _registrations(meeting, seen)


def recipient_counts(meeting):
    """{kind: number} of the people an invitation would reach now."""
    counts = {Kind.MEMBER: 0, Kind.SUBSCRIBER: 0}
    for recipient in invited(meeting):
        counts[recipient.kind] += 1
    return counts


# --- The calendar file -----------------------------------------------------------------


def organizer_address(meeting):
    return meeting.conference.contact_email or settings.DEFAULT_FROM_EMAIL


def location_text(meeting):
    parts = []
    if meeting.place_id:
        place = meeting.place
        parts.append(", ".join(part for part in (place.name, place.address_line) if part))
    if meeting.room:
        parts.append(meeting.room)
    if meeting.online_url:
        parts.append(meeting.online_url)
    return " – ".join(parts)


def description_text(meeting, entries):
    """The meeting's agenda (the given numbered items) as plain text with its address."""
    parts = []
    if entries:
        parts.append(_("Agenda") + ":\n" + agenda.agenda_text(entries, mark_internal=True))
    if meeting.is_cancelled and meeting.cancel_reason:
        parts.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancel_reason})
    parts.append(absolute_url(meeting.get_absolute_url()))
    return "\n\n".join(parts)


def calendar_file(meeting, method, *, public_only, entries=None, attendee=None, now=None):
    """The meeting as an iCalendar file (text): method PUBLISH, REQUEST or CANCEL.

    public_only: the agenda without internal items; entries: the numbered items when
    the caller has them already. attendee: a Recipient, named as ATTENDEE.
    """
    if entries is None:
        entries = agenda.numbered_items(meeting, public_only=public_only)
    stamp = (now or timezone.now()).astimezone(dt.UTC)
    organizer = icalendar.vCalAddress(f"mailto:{organizer_address(meeting)}")
    organizer.params["CN"] = meeting.conference.name
    attendees = []
    if attendee is not None:
        address = icalendar.vCalAddress(f"mailto:{attendee.address}")
        if attendee.name:
            address.params["CN"] = attendee.name
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "FALSE"
        attendees.append(address)
    cancelled = meeting.is_cancelled or method == "CANCEL"
    event = icalendar.Event.new(
        uid=meeting.ical_uid,
        sequence=meeting.sequence,
        stamp=stamp,
        start=meeting.start.astimezone(dt.UTC),
        end=meeting.end.astimezone(dt.UTC),
        summary=str(meeting.display_title),
        location=location_text(meeting) or None,
        description=description_text(meeting, entries),
        organizer=organizer,
        attendees=attendees or None,
        status="CANCELLED" if cancelled else "CONFIRMED",
        url=absolute_url(meeting.get_absolute_url()),
    )
    calendar = icalendar.Calendar.new(prodid=PRODID, method=method, calscale="GREGORIAN")
    calendar.add_component(event)
    return calendar.to_ical().decode()


# --- Mails -----------------------------------------------------------------------------


def _mail_context(meeting, recipient, entries):
    meeting_url = absolute_url(meeting.get_absolute_url())
    kwargs = {"slug": meeting.conference.slug, "pk": meeting.pk}
    return {
        "meeting": meeting,
        "conference": meeting.conference,
        "recipient": recipient,
        "entries": entries,
        "meeting_url": meeting_url,
        "conference_url": absolute_url(meeting.conference.get_absolute_url()),
        "signup_url": meeting_url + "#anmelden",
        "pdf_url": absolute_url(reverse("conferences:invitation-pdf", kwargs=kwargs)),
        "location": location_text(meeting),
    }


def _send(meeting, recipients, template, method):
    """One mail per recipient with the calendar file of their version of the agenda
    (members: all items, internal ones marked; everyone else: the public items)."""
    reply_to = [meeting.conference.contact_email] if meeting.conference.contact_email else None
    now = timezone.now()
    versions = {}
    for recipient in recipients:
        public_only = not recipient.sees_internal
        if public_only not in versions:
            versions[public_only] = agenda.numbered_items(meeting, public_only=public_only)
        entries = versions[public_only]
        # The calendar file is written in the site's language, the mail in both.
        with translation.override(settings.LANGUAGE_CODE):
            ics = calendar_file(
                meeting,
                method,
                public_only=public_only,
                entries=entries,
                attendee=recipient,
                now=now,
            )
        send_bilingual_mail(
            template,
            _mail_context(meeting, recipient, entries),
            [recipient.address],
            unsubscribe_url=recipient.unsubscribe_url or None,
            reply_to=reply_to,
            attachments=[[ICS_FILENAME, ics, f"text/calendar; method={method}"]],
        )
    return len(recipients)


def _locked(meeting):
    current = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("conference", "place")
        .filter(pk=meeting.pk)
        .first()
    )
    if current is None:
        raise ValidationError(_("This meeting no longer exists."), code="gone")
    return current


@transaction.atomic
def send_invitations(meeting, user):
    """Invite the members (and, for a public meeting, the subscribers); returns how many
    mails went out. The first time the meeting becomes "invited"; sending again is an
    update (raised SEQUENCE). A second click within a minute sends nothing."""
    current = _locked(meeting)
    now = timezone.now()
    if current.state not in (Meeting.State.PLANNED, Meeting.State.INVITED):
        raise ValidationError(
            _("Invitations can only be sent for a planned meeting; this one is %(state)s.")
            % {"state": current.get_state_display()},
            code="wrong_state",
        )
    if current.end <= now:
        raise ValidationError(_("This meeting is over."), code="past")
    if current.invited_at is not None and now - current.invited_at < RESEND_PAUSE:
        raise ValidationError(
            _("The invitations have just been sent. Wait a minute before sending them again."),
            code="just_sent",
        )
    recipients = invited(current)
    if not recipients:
        raise ValidationError(
            _("Nobody can be invited: no member of the conference has an email address."),
            code="nobody",
        )
    again = current.invited_at is not None
    if again:
        current.sequence += 1
    current.state = Meeting.State.INVITED
    current.invited_at = now
    current.save(update_fields=["state", "invited_at", "sequence", "updated_at"])
    meetings.sync_calendar_event(current)
    count = _send(current, recipients, "conferences/mail/invitation.txt", "REQUEST")
    log_activity(
        current,
        user,
        meetings.Action.INVITED_AGAIN if again else meetings.Action.INVITED,
        message=_("%(count)s recipients") % {"count": count},
    )
    meeting.state, meeting.invited_at, meeting.sequence = (
        current.state,
        current.invited_at,
        current.sequence,
    )
    meeting.event_id = current.event_id
    return count


def send_update(meeting):
    """Tell everyone concerned that the date, time or place changed (same UID, the
    meeting's raised SEQUENCE). Called by meetings.update_meeting inside its transaction."""
    return _send(meeting, concerned(meeting), "conferences/mail/invitation_update.txt", "REQUEST")


def send_cancellation(meeting):
    """Tell everyone concerned that the meeting is cancelled (METHOD:CANCEL)."""
    return _send(meeting, concerned(meeting), "conferences/mail/invitation_cancelled.txt", "CANCEL")
