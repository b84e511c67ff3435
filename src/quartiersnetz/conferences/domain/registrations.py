"""Citizens' sign-ups for public meetings: confirmation by mail, seats, the waiting list,
cancellation with promotion, and the attendance taken at the meeting."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.conferences.models import Attendance, Meeting, Membership, Registration
from quartiersnetz.core.activity import log_activity
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail

Status = Registration.Status


class Action:
    """The names of activity log entries about sign-ups and attendance."""

    SIGNED_UP = "signed_up"
    CONFIRMED = "sign_up_confirmed"
    WAITING = "sign_up_waiting"
    PROMOTED = "sign_up_promoted"
    CANCELLED = "sign_up_cancelled"
    ATTENDANCE_RECORDED = "attendance_recorded"


class Outcome:
    """What a sign-up did; the page says "check your mail" in every case."""

    CREATED = "created"
    RESENT = "resent"
    ALREADY = "already"


# Who holds a seat or waits for one.
ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITING)


def normalise_email(email):
    return email.strip().lower()


def sign_up_refusal(meeting, now=None):
    """Why citizens cannot sign up for the meeting (a sentence), or "" when they can."""
    now = now or timezone.now()
    if not meeting.is_public:
        return _("Only the members of the conference take part in this meeting.")
    if meeting.state == Meeting.State.CANCELLED:
        return _("This meeting has been cancelled.")
    if meeting.start <= now or meeting.state not in (Meeting.State.PLANNED, Meeting.State.INVITED):
        return _("This meeting has already taken place.")
    if meeting.state == Meeting.State.PLANNED:
        return _("The sign-up opens when the invitations have been sent.")
    return ""


def link_refusal(meeting, now=None):
    """Why the link of a sign-up can no longer confirm it or give up a seat (the meeting
    was cancelled, has begun, or is for members only now), or "" while it can."""
    now = now or timezone.now()
    if meeting.state == Meeting.State.CANCELLED:
        return _("This meeting has been cancelled.")
    if meeting.start <= now:
        return _("This meeting has already begun or taken place: the link no longer works.")
    if not meeting.is_public:
        return _("Only the members of the conference take part in this meeting.")
    return ""


def seats_left(meeting):
    """Free seats for citizens (never below 0), or None when the meeting has no limit."""
    if meeting.capacity is None:
        return None
    confirmed = meeting.registrations.filter(status=Status.CONFIRMED).count()
    return max(0, meeting.capacity - confirmed)


def counts_by_status(meeting):
    """{status: number} of the meeting's sign-ups, every status present."""
    counts = dict.fromkeys(Status.values, 0)
    rows = meeting.registrations.values("status").annotate(number=Count("pk")).order_by()
    for row in rows:
        counts[row["status"]] = row["number"]
    return counts


def with_signup_counts(meetings):
    """The meetings annotated with confirmed_count and waiting_count (one query)."""
    return meetings.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        waiting_count=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
    )


def attending_registrations(meeting):
    """The sign-ups that hold a seat or wait for one, in the order they were confirmed."""
    return meeting.registrations.filter(status__in=ACTIVE_STATUSES).order_by("confirmed_at", "pk")


def waiting_position(registration):
    """1 for the first on the waiting list; None when the sign-up is not waiting."""
    if registration.status != Status.WAITING:
        return None
    ahead = Registration.objects.filter(
        Q(confirmed_at__lt=registration.confirmed_at)
        | Q(confirmed_at=registration.confirmed_at, pk__lt=registration.pk),
        meeting_id=registration.meeting_id,
        status=Status.WAITING,
    ).count()
    return ahead + 1


def registration_url(registration):
    return absolute_url(reverse("conferences:registration", kwargs={"token": registration.token}))


def _mail_context(registration, **extra):
    meeting = registration.meeting
    kwargs = {"slug": meeting.conference.slug, "pk": meeting.pk}
    return {
        "registration": registration,
        "meeting": meeting,
        "conference": meeting.conference,
        "registration_url": registration_url(registration),
        "meeting_url": absolute_url(meeting.get_absolute_url()),
        "ics_url": absolute_url(reverse("conferences:meeting-ics", kwargs=kwargs)),
        **extra,
    }


def _mail(registration, template, **extra):
    send_bilingual_mail(
        f"conferences/mail/{template}.txt",
        _mail_context(registration, **extra),
        [registration.email],
    )


def _locked_meeting(meeting_id):
    """The meeting as stored now, locked until the transaction ends: every change of
    who holds a seat takes this lock, so seats are counted one change at a time."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("conference", "place")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise ValidationError(_("This meeting no longer exists."), code="gone")
    return meeting


def _locked_registration(registration, meeting):
    # Without the default ordering, which joins the meeting (locked above already).
    current = (
        Registration.objects.select_for_update(of=("self",))
        .filter(pk=registration.pk)
        .order_by()
        .first()
    )
    if current is None:
        raise ValidationError(_("This sign-up no longer exists."), code="gone")
    # The locked meeting, so that mails and pages read the same state.
    current.meeting = meeting
    return current


@transaction.atomic
def sign_up(meeting, name, email, accessibility_needs=""):
    """A citizen signs up for a public meeting; returns (registration, outcome).

    The sign-up counts once the address is confirmed by the link in the mail. The same
    address again (a double click, or days later) makes no second sign-up: the mail
    is sent again while unconfirmed, else it says that the person is signed up.
    """
    meeting = _locked_meeting(meeting.pk)
    refusal = sign_up_refusal(meeting)
    if refusal:
        raise ValidationError(refusal, code="closed")
    email = normalise_email(email)
    existing = meeting.registrations.filter(email=email).exclude(status=Status.CANCELLED).first()
    if existing is None:
        registration = Registration(
            meeting=meeting,
            name=name.strip(),
            email=email,
            accessibility_needs=accessibility_needs.strip(),
        )
        # Lengths and the address' form, also for callers other than the form.
        registration.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            # Cannot happen under the meeting's lock; kept for writes that bypass it.
            existing = (
                meeting.registrations.filter(email=email).exclude(status=Status.CANCELLED).first()
            )
            if existing is None:
                raise
        else:
            log_activity(registration, None, Action.SIGNED_UP)
            _mail(registration, "registration_confirm")
            return registration, Outcome.CREATED
    existing.meeting = meeting
    if existing.status == Status.UNCONFIRMED:
        _mail(existing, "registration_confirm")
        return existing, Outcome.RESENT
    _mail(existing, "registration_already", position=waiting_position(existing))
    return existing, Outcome.ALREADY


@transaction.atomic
def confirm(registration):
    """The citizen confirms the address: a seat if one is free, else the waiting list.

    Returns the registration; a second confirmation is refused with the code
    "already_confirmed" and changes nothing.
    """
    meeting = _locked_meeting(registration.meeting_id)
    registration = _locked_registration(registration, meeting)
    if registration.status in ACTIVE_STATUSES:
        raise ValidationError(
            _("You have already confirmed this sign-up."), code="already_confirmed"
        )
    if registration.status == Status.CANCELLED:
        raise ValidationError(
            _("This sign-up has been cancelled. You can sign up again on the meeting's page."),
            code="cancelled",
        )
    refusal = link_refusal(meeting)
    if refusal:
        raise ValidationError(refusal, code="closed")
    confirmed = meeting.registrations.filter(status=Status.CONFIRMED).count()
    has_seat = meeting.capacity is None or confirmed < meeting.capacity
    registration.status = Status.CONFIRMED if has_seat else Status.WAITING
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["status", "confirmed_at"])
    if has_seat:
        log_activity(registration, None, Action.CONFIRMED)
        _mail(registration, "registration_seat")
    else:
        position = waiting_position(registration)
        log_activity(registration, None, Action.WAITING, message=_("Place %(n)s") % {"n": position})
        _mail(registration, "registration_waiting", position=position)
    return registration


@transaction.atomic
def cancel(registration):
    """The citizen gives up the sign-up; a seat set free goes to the first who waits.

    Returns the list of promoted sign-ups; a second cancellation is refused with the
    code "already_cancelled" and changes nothing.
    """
    meeting = _locked_meeting(registration.meeting_id)
    registration = _locked_registration(registration, meeting)
    if registration.status == Status.CANCELLED:
        raise ValidationError(
            _("This sign-up has already been cancelled."), code="already_cancelled"
        )
    if meeting.start <= timezone.now():
        # Who signed up for a meeting that took place stays on its record (attendance).
        raise ValidationError(link_refusal(meeting), code="closed")
    registration.status = Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    log_activity(registration, None, Action.CANCELLED)
    if link_refusal(meeting):
        # A seat of a cancelled or past meeting helps nobody.
        return []
    return _fill_free_seats(meeting)


def _fill_free_seats(meeting):
    """Give free seats to the waiting list in its order; the meeting is locked."""
    left = seats_left(meeting)
    waiting = attending_registrations(meeting).filter(status=Status.WAITING)
    if left is not None:
        waiting = waiting[:left]
    promoted = list(waiting)
    for registration in promoted:
        registration.meeting = meeting
        registration.status = Status.CONFIRMED
        # confirmed_at keeps the moment of the confirmation: the waiting list's order.
        registration.save(update_fields=["status"])
        log_activity(registration, None, Action.PROMOTED)
        _mail(registration, "registration_promoted")
    return promoted


@transaction.atomic
def fill_free_seats(meeting):
    """After the capacity was raised (or removed): seats for those who wait; returns
    the promoted sign-ups. A capacity lowered below the confirmed sign-ups keeps them."""
    meeting = _locked_meeting(meeting.pk)
    if link_refusal(meeting):
        return []
    return _fill_free_seats(meeting)


# --- Attendance ------------------------------------------------------------------------


def attendance_refusal(meeting, now=None):
    """Why attendance cannot be taken for the meeting, or ""."""
    now = now or timezone.now()
    if meeting.state == Meeting.State.CANCELLED:
        return _("This meeting has been cancelled.")
    if meeting.start > now:
        return _("Attendance can be taken once the meeting has begun.")
    return ""


def attendance_members(meeting):
    """The members listed for the attendance: who was a member on the meeting's day,
    and anyone whose attendance was recorded before (a member who left since)."""
    day = timezone.localtime(meeting.start).date()
    current = (
        Q(start_date__isnull=True) | Q(start_date__lte=day),
        Q(end_date__isnull=True) | Q(end_date__gte=day),
    )
    recorded = Q(attendances__meeting=meeting)
    return (
        Membership.objects.filter(conference_id=meeting.conference_id)
        .filter((current[0] & current[1]) | recorded)
        .select_related("on_behalf_of")
        .distinct()
        .order_by("name", "pk")
    )


def attendance_registrations(meeting):
    """The citizens listed for the attendance: those with a seat, and anyone marked as
    present before."""
    return meeting.registrations.filter(Q(status=Status.CONFIRMED) | Q(attended=True)).order_by(
        "name", "pk"
    )


@transaction.atomic
def record_attendance(meeting, present_membership_ids, present_registration_ids, walk_ins, user):
    """Save who took part: members, citizens who signed up, and how many came without.

    Marks a meeting that was planned or invited as held. Ids that are not listed for
    the meeting are refused, so nothing is half saved.
    """
    meeting = _locked_meeting(meeting.pk)
    refusal = attendance_refusal(meeting)
    if refusal:
        raise ValidationError(refusal, code="not_started")
    if walk_ins is None or walk_ins < 0:
        raise ValidationError(_("Enter the number of further guests (0 or more)."), code="walk_ins")
    present_members = {int(pk) for pk in present_membership_ids}
    present_citizens = {int(pk) for pk in present_registration_ids}
    member_ids = set(attendance_members(meeting).values_list("pk", flat=True))
    registration_ids = set(attendance_registrations(meeting).values_list("pk", flat=True))
    if not present_members <= member_ids or not present_citizens <= registration_ids:
        raise ValidationError(
            _("The list has changed meanwhile. Please open the attendance again."),
            code="unknown_person",
        )
    existing = {
        attendance.membership_id: attendance
        for attendance in Attendance.objects.filter(meeting=meeting)
    }
    new_rows, changed_rows = [], []
    for membership_id in member_ids:
        present = membership_id in present_members
        attendance = existing.get(membership_id)
        if attendance is None:
            new_rows.append(
                Attendance(meeting=meeting, membership_id=membership_id, present=present)
            )
        elif attendance.present != present:
            attendance.present = present
            changed_rows.append(attendance)
    Attendance.objects.bulk_create(new_rows)
    Attendance.objects.bulk_update(changed_rows, ["present"])
    registrations = meeting.registrations.filter(pk__in=registration_ids)
    registrations.filter(pk__in=present_citizens).update(attended=True)
    registrations.exclude(pk__in=present_citizens).update(attended=False)
    meeting.walk_in_count = walk_ins
    meeting.save(update_fields=["walk_in_count", "updated_at"])
    if meeting.state in (Meeting.State.PLANNED, Meeting.State.INVITED):
        # Imported here: meetings imports invitations, which imports this module.
        from quartiersnetz.conferences.domain import meetings

        meetings.mark_held(meeting, user)
    log_activity(
        meeting,
        user,
        Action.ATTENDANCE_RECORDED,
        message=_("%(members)s members, %(citizens)s citizens who signed up, %(guests)s further")
        % {
            "members": len(present_members),
            "citizens": len(present_citizens),
            "guests": walk_ins,
        },
    )
    return meeting
