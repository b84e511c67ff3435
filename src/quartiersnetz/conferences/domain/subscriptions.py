"""Invitations by mail for citizens without an account: subscribing to a conference's
public meetings (double opt-in) and the one-click unsubscribe every such mail carries."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.conferences.models import Subscriber
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail


class Outcome:
    """What a subscription request did; the page says "check your mail" in every case."""

    CREATED = "created"
    RESENT = "resent"
    ALREADY = "already"


def subscription_url(subscriber):
    """The page that confirms the subscription (with a button: mail scanners open links)."""
    return absolute_url(reverse("conferences:subscription", kwargs={"token": subscriber.token}))


def unsubscribe_url(subscriber):
    """The absolute one-click unsubscribe address, for the mail's link and headers."""
    return absolute_url(reverse("conferences:unsubscribe", kwargs={"token": subscriber.token}))


def confirmed_subscribers(conference):
    """The addresses that receive the invitations to the conference's public meetings."""
    return Subscriber.objects.filter(conference=conference, confirmed_at__isnull=False).order_by(
        "pk"
    )


def _mail(subscriber, template):
    send_bilingual_mail(
        f"conferences/mail/{template}.txt",
        {
            "subscriber": subscriber,
            "conference": subscriber.conference,
            "conference_url": absolute_url(subscriber.conference.get_absolute_url()),
            "subscription_url": subscription_url(subscriber),
        },
        [subscriber.email],
        unsubscribe_url=unsubscribe_url(subscriber),
    )


@transaction.atomic
def subscribe(conference, email):
    """Ask for the invitations of the conference; returns (subscriber, outcome).

    The address receives a link to confirm (double opt-in). Asking again sends the link
    again, or, once confirmed, a mail that says so; the page looks the same either way,
    so nobody learns who subscribed.
    """
    if not conference.is_active:
        raise ValidationError(_("This conference no longer meets."), code="inactive")
    email = email.strip().lower()
    subscriber = Subscriber.objects.filter(conference=conference, email=email).first()
    outcome = Outcome.RESENT
    if subscriber is None:
        subscriber = Subscriber(conference=conference, email=email)
        subscriber.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                subscriber.save()
            outcome = Outcome.CREATED
        except IntegrityError:
            # The same form arrived twice at the same moment; the other request saved it.
            subscriber = Subscriber.objects.filter(conference=conference, email=email).first()
            if subscriber is None:
                raise
    subscriber.conference = conference
    if subscriber.confirmed_at is not None:
        _mail(subscriber, "subscription_already")
        return subscriber, Outcome.ALREADY
    _mail(subscriber, "subscription_confirm")
    return subscriber, outcome


@transaction.atomic
def confirm_subscription(subscriber):
    """The address is confirmed: invitations go to it from now on.

    A second confirmation is refused with the code "already_confirmed"."""
    current = Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
    if current is None:
        raise ValidationError(_("This subscription no longer exists."), code="gone")
    if current.confirmed_at is not None:
        raise ValidationError(
            _("You have already confirmed this subscription."), code="already_confirmed"
        )
    current.confirmed_at = timezone.now()
    current.save(update_fields=["confirmed_at"])
    return current


@transaction.atomic
def unsubscribe(subscriber):
    """No more invitations: the address is deleted, nothing of it is kept."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()
