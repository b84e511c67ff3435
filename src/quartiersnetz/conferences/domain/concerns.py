"""What the neighbourhood needs ("wo der Schuh drückt"): raising a concern (with an
account, or confirmed by mail), following it (double opt-in, one-click unsubscribe),
and the moderators' steps new → in discussion → taken up → done, or declined, each
written to the public history and mailed to the followers."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.conferences.models import (
    AgendaItem,
    Concern,
    ConcernFollower,
    ConcernUpdate,
    Conference,
    Meeting,
)
from quartiersnetz.core.activity import log_activity
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.organizations.models import Organization

Status = Concern.Status

# Meetings whose agenda items a concern may be put on: from this long ago on.
RECENT_MEETINGS = dt.timedelta(days=90)


class Action:
    """The names of activity log entries about concerns."""

    RAISED = "concern_raised"
    CONFIRMED = "concern_confirmed"
    DISCUSSED = "concern_in_discussion"
    TAKEN_UP = "concern_taken_up"
    DONE = "concern_done"
    DECLINED = "concern_declined"
    REOPENED = "concern_reopened"


class Outcome:
    """What a follow request did; the page says "check your mail" in every case."""

    CONFIRMED = "confirmed"
    SENT = "sent"
    ALREADY = "already"


def normalise_email(email):
    return (email or "").strip().lower()


def public_concerns():
    """Concerns shown to everyone: confirmed ones, in every state after that."""
    return Concern.objects.filter(status__in=Concern.PUBLIC_STATUSES)


def covering_conferences(concern):
    """The active conferences that cover the concern's district."""
    return Conference.objects.filter(is_active=True, districts=concern.district_id)


# --- Addresses in mails -------------------------------------------------------------------


def confirm_url(concern):
    return absolute_url(reverse("conferences:concern-confirm", kwargs={"token": concern.token}))


def follow_confirm_url(follower):
    return absolute_url(
        reverse("conferences:concern-follow-confirm", kwargs={"token": follower.token})
    )


def unfollow_url(follower):
    """The absolute one-click unsubscribe address, for the mail's link and headers."""
    return absolute_url(reverse("conferences:concern-unfollow", kwargs={"token": follower.token}))


def confirmed_followers(concern):
    return ConcernFollower.objects.filter(concern=concern, confirmed_at__isnull=False).order_by(
        "pk"
    )


# --- Raising a concern ----------------------------------------------------------------------


def _validate(concern):
    concern.title = (concern.title or "").strip()
    concern.description = (concern.description or "").strip()
    concern.location_text = (concern.location_text or "").strip()
    if concern.place_id is not None and concern.place.district_id != concern.district_id:
        raise ValidationError(
            {"place": _("Choose a place in the district of the concern.")}, code="invalid_place"
        )
    try:
        concern.full_clean(exclude=["token"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _follow_confirmed(concern, email):
    """The address follows the concern from now on (the author's, on confirmation)."""
    email = normalise_email(email)
    if not email:
        return None
    follower, _created = ConcernFollower.objects.get_or_create(concern=concern, email=email)
    if follower.confirmed_at is None:
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["confirmed_at"])
    return follower


def _publish(concern, actor):
    """The concern becomes public as "new": the first step of its history."""
    concern.status = Status.NEW
    concern.confirmed_at = timezone.now()
    concern.save(update_fields=["status", "confirmed_at", "updated_at"])
    ConcernUpdate.objects.create(concern=concern, status=Status.NEW, actor=actor)
    _follow_confirmed(concern, concern.author_email)


@transaction.atomic
def raise_concern(data, user=None):
    """Save a concern from the form's data (district, title, description, topic, place,
    location_text, and without an account name and email).

    With an account it is public at once and the person follows it; without one it
    waits for the address to be confirmed through the link in the mail.
    """
    concern = Concern(
        district=data["district"],
        title=data.get("title", ""),
        description=data.get("description", ""),
        topic=data.get("topic", ""),
        place=data.get("place"),
        location_text=data.get("location_text", ""),
    )
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        concern.author = user
        concern.author_name = (user.get_full_name() or "")[:150]
        concern.author_email = normalise_email(user.email)
    else:
        concern.author_name = (data.get("name") or "").strip()
        concern.author_email = normalise_email(data.get("email"))
        if not concern.author_name:
            raise ValidationError({"name": _("Please tell us your name.")}, code="required")
        if not concern.author_email:
            raise ValidationError({"email": _("Please give your email address.")}, code="required")
    _validate(concern)
    concern.save()
    log_activity(concern, user, Action.RAISED, message=concern.title)
    if signed_in:
        _publish(concern, user)
    else:
        send_bilingual_mail(
            "conferences/mail/concern_confirm.txt",
            {"concern": concern, "confirm_url": confirm_url(concern)},
            [concern.author_email],
        )
    return concern


@transaction.atomic
def confirm_concern(concern):
    """The address of the person who raised it is confirmed: the concern is public and
    they follow it. A second confirmation is refused with the code "already_confirmed"."""
    current = Concern.objects.select_for_update().filter(pk=concern.pk).first()
    if current is None:
        raise ValidationError(_("This concern no longer exists."), code="gone")
    if current.status != Status.UNCONFIRMED:
        raise ValidationError(
            _("You have already confirmed this concern."), code="already_confirmed"
        )
    _publish(current, None)
    log_activity(current, None, Action.CONFIRMED)
    return current


# --- Following --------------------------------------------------------------------------------


def _follower_mail(follower, template, **context):
    concern = follower.concern
    send_bilingual_mail(
        f"conferences/mail/{template}.txt",
        {
            "concern": concern,
            "concern_url": absolute_url(concern.get_absolute_url()),
            "follower": follower,
            "follow_confirm_url": follow_confirm_url(follower),
            "site_url": settings.SITE_URL,
            **context,
        },
        [follower.email],
        unsubscribe_url=unfollow_url(follower),
    )


@transaction.atomic
def follow(concern, email, user=None, verified_emails=()):
    """Ask to be told of every step of the concern; returns (follower, outcome).

    An address the signed-in person has verified follows at once; any other gets a
    link to confirm (double opt-in). Asking again resends the link or says, by mail,
    that the address follows already.
    """
    if concern.status not in Concern.PUBLIC_STATUSES:
        raise ValidationError(_("This concern cannot be followed."), code="not_public")
    email = normalise_email(email)
    follower = ConcernFollower.objects.filter(concern=concern, email=email).first()
    if follower is None:
        follower = ConcernFollower(concern=concern, email=email)
        follower.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                follower.save()
        except IntegrityError:
            # The same form arrived twice at the same moment.
            follower = ConcernFollower.objects.filter(concern=concern, email=email).first()
            if follower is None:
                raise
    follower.concern = concern
    if follower.confirmed_at is not None:
        _follower_mail(follower, "concern_follow_already")
        return follower, Outcome.ALREADY
    if user is not None and user.is_authenticated and email in verified_emails:
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["confirmed_at"])
        return follower, Outcome.CONFIRMED
    _follower_mail(follower, "concern_follow_confirm")
    return follower, Outcome.SENT


@transaction.atomic
def confirm_follow(follower):
    current = ConcernFollower.objects.select_for_update().filter(pk=follower.pk).first()
    if current is None:
        raise ValidationError(_("You no longer follow this concern."), code="gone")
    if current.confirmed_at is not None:
        raise ValidationError(
            _("You have already confirmed that you follow this concern."),
            code="already_confirmed",
        )
    current.confirmed_at = timezone.now()
    current.save(update_fields=["confirmed_at"])
    return current


@transaction.atomic
def unfollow(follower):
    """No more mails about the concern: the address is deleted."""
    ConcernFollower.objects.filter(pk=follower.pk).delete()


# --- The moderators' steps -------------------------------------------------------------------


def agenda_item_choices(concern, now=None):
    """Public agenda items of public, live meetings of the conferences covering the
    concern's district, from RECENT_MEETINGS ago on (not cancelled)."""
    now = now or timezone.now()
    return (
        AgendaItem.objects.filter(
            meeting__conference__in=covering_conferences(concern),
            meeting__deleted_at__isnull=True,
            meeting__is_public=True,
            meeting__start__gte=now - RECENT_MEETINGS,
            is_public=True,
        )
        .exclude(meeting__state=Meeting.State.CANCELLED)
        .select_related("meeting", "meeting__conference")
        .order_by("meeting__start", "meeting__pk", "position", "pk")
    )


def next_meeting(concern, now=None):
    """The next public meeting (not cancelled) of a conference covering the district."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(
            conference__in=covering_conferences(concern), is_public=True, start__gt=now
        )
        .exclude(state=Meeting.State.CANCELLED)
        .select_related("conference")
        .order_by("start", "pk")
        .first()
    )


# Which states each step starts from (a double click finds the concern moved on).
SOURCES = {
    Status.IN_DISCUSSION: (Status.NEW, Status.TAKEN_UP),
    Status.TAKEN_UP: (Status.NEW, Status.IN_DISCUSSION),
    Status.DONE: (Status.NEW, Status.IN_DISCUSSION, Status.TAKEN_UP),
    Status.DECLINED: (Status.NEW, Status.IN_DISCUSSION),
    Status.NEW: (Status.IN_DISCUSSION, Status.TAKEN_UP, Status.DONE, Status.DECLINED),
}

ACTIONS = {
    Status.IN_DISCUSSION: Action.DISCUSSED,
    Status.TAKEN_UP: Action.TAKEN_UP,
    Status.DONE: Action.DONE,
    Status.DECLINED: Action.DECLINED,
    Status.NEW: Action.REOPENED,
}


def _locked(concern, target):
    current = (
        Concern.objects.select_for_update().filter(pk=concern.pk).select_related("district").first()
    )
    if current is None:
        raise ValidationError(_("This concern no longer exists."), code="gone")
    if current.status == target:
        raise ValidationError(
            _("The concern is already “%(status)s”: nothing was changed.")
            % {"status": current.get_status_display()},
            code="already",
        )
    if current.status not in SOURCES[target]:
        raise ValidationError(
            _("A concern that is “%(status)s” cannot become “%(target)s”.")
            % {"status": current.get_status_display(), "target": Status(target).label},
            code="invalid_state",
        )
    return current


def _step(concern, target, user, message="", *, agenda_item=None, organization=None):
    """Save the new state, write the public history and the log, tell the followers."""
    previous = concern.get_status_display()
    concern.status = target
    concern.status_reason = message
    concern.save()
    update = ConcernUpdate.objects.create(
        concern=concern,
        status=target,
        message=message,
        agenda_item=agenda_item,
        organization=organization,
        actor=user,
    )
    log_activity(
        concern,
        user,
        ACTIONS[target],
        message=message,
        changes={"status": [previous, concern.get_status_display()]},
    )
    for follower in confirmed_followers(concern):
        _follower_mail(follower, "concern_update", update=update)
    return concern


def _message(message, limit=5000):
    message = (message or "").strip()
    if len(message) > limit:
        raise ValidationError(
            {"message": _("Please write at most %(limit)s characters.") % {"limit": limit}},
            code="too_long",
        )
    return message


@transaction.atomic
def discuss(concern, user, *, agenda_item=None, new_item_on_next_meeting=False, message=""):
    """Put the concern on an agenda: a chosen item, or a new item with the concern's
    title at the end of the next meeting's agenda."""
    from quartiersnetz.conferences.domain import agenda

    message = _message(message)
    current = _locked(concern, Status.IN_DISCUSSION)
    if new_item_on_next_meeting:
        meeting = next_meeting(current)
        if meeting is None:
            raise ValidationError(
                {"agenda_item": _("No conference covering the district has a meeting planned.")},
                code="no_meeting",
            )
        agenda_item = agenda.add_item(
            meeting,
            {
                "title": current.title[:300],
                "description": _("Concern from the neighbourhood: %(url)s")
                % {"url": absolute_url(current.get_absolute_url())},
                "is_public": True,
            },
            user,
        )
    elif agenda_item is None or not agenda_item_choices(current).filter(pk=agenda_item.pk).exists():
        raise ValidationError(
            {
                "agenda_item": _(
                    "Choose an item of a meeting of a conference that covers the district."
                )
            },
            code="invalid_item",
        )
    current.agenda_item = agenda_item
    return _step(current, Status.IN_DISCUSSION, user, message, agenda_item=agenda_item)


@transaction.atomic
def take_up(concern, user, organization, *, message="", allowed_organizations=None):
    """An organisation takes the concern up. allowed_organizations limits the choice
    (a member speaks only for their own organisations); None: any."""
    message = _message(message)
    if organization is None or (
        allowed_organizations is not None
        and not allowed_organizations.filter(pk=organization.pk).exists()
    ):
        raise ValidationError(
            {"organization": _("Choose the organisation that takes it up.")},
            code="invalid_organization",
        )
    current = _locked(concern, Status.TAKEN_UP)
    current.taken_up_by = organization
    return _step(current, Status.TAKEN_UP, user, message, organization=organization)


@transaction.atomic
def mark_done(concern, user, *, message=""):
    message = _message(message)
    current = _locked(concern, Status.DONE)
    return _step(current, Status.DONE, user, message, organization=current.taken_up_by)


@transaction.atomic
def decline(concern, user, *, reason=""):
    """Declined with a public reason (required); the concern stays visible."""
    reason = _message(reason)
    if not reason:
        raise ValidationError(
            {"message": _("Please give the reason: it is shown with the concern.")},
            code="reason_required",
        )
    current = _locked(concern, Status.DECLINED)
    return _step(current, Status.DECLINED, user, reason)


@transaction.atomic
def reopen(concern, user, *, message=""):
    """Back to "new" (taken off the agenda, no longer taken up)."""
    message = _message(message)
    current = _locked(concern, Status.NEW)
    current.agenda_item = None
    current.taken_up_by = None
    return _step(current, Status.NEW, user, message)


def member_organizations(user):
    """The organisations the person acts for (active memberships)."""
    if not (user.is_authenticated and user.is_active):
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user=user, memberships__state="active"
    ).distinct()


def filter_concerns(concerns, *, statuses=(), topics=(), districts=()):
    """The concerns narrowed to the chosen statuses, topics and districts (any of each)."""
    if statuses:
        concerns = concerns.filter(status__in=statuses)
    if topics:
        concerns = concerns.filter(topic__in=topics)
    if districts:
        concerns = concerns.filter(Q(district__slug__in=districts))
    return concerns
