"""Opt-in mail notifications per kind, each with an unsubscribe link that needs no login."""

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from quartiersnetz.accounts.models import NotificationKind, NotificationSubscription, User
from quartiersnetz.accounts.rules import is_editor
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.organizations.models import Membership

UNSUBSCRIBE_SALT = "quartiersnetz.accounts.unsubscribe"


def subscribed_kinds(user):
    return set(NotificationSubscription.objects.filter(user=user).values_list("kind", flat=True))


@transaction.atomic
def set_subscriptions(user, kinds):
    """Exactly the given kinds are switched on for the person."""
    kinds = {NotificationKind(kind) for kind in kinds}
    NotificationSubscription.objects.filter(user=user).exclude(kind__in=kinds).delete()
    for kind in kinds - subscribed_kinds(user):
        subscribe(user, kind)


def subscribe(user, kind):
    # A second click or a parallel request finds the row already there.
    try:
        with transaction.atomic():
            NotificationSubscription.objects.create(user=user, kind=NotificationKind(kind))
    except IntegrityError:
        pass


def unsubscribe_token(user, kind):
    return signing.dumps({"user": user.pk, "kind": str(kind)}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """(user, kind) of a link from a mail; raises signing.BadSignature when forged."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    try:
        kind = NotificationKind(data["kind"])
        user = User.objects.get(pk=data["user"])
    except (KeyError, TypeError, ValueError, User.DoesNotExist):
        raise signing.BadSignature("unknown person or kind") from None
    return user, kind


def unsubscribe_url(user, kind):
    return absolute_url(
        reverse("accounts:unsubscribe", kwargs={"token": unsubscribe_token(user, kind)})
    )


def subscribers(users, kind):
    """The active people among users who asked for mails of this kind."""
    return users.filter(is_active=True, notification_subscriptions__kind=kind).distinct()


def notify(users, kind, template, context):
    """Mail each person of users who asked for this kind, each with their own unsubscribe link."""
    kind = NotificationKind(kind)
    for user in subscribers(users, kind).order_by("pk"):
        send_bilingual_mail(
            template,
            {**context, "recipient": user, "notification_kind": kind.label},
            [user.email],
            unsubscribe_url=unsubscribe_url(user, kind),
        )


def available_kinds(user):
    """The kinds that concern the person: editors' kinds only for editors, and so on."""
    kinds = [NotificationKind.REVIEW_RESULTS]
    acts_for_an_organization = Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE
    ).exists()
    if acts_for_an_organization:
        kinds.append(NotificationKind.DATE_CONFLICTS)
    administers = Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE, role=Membership.Role.ADMIN
    ).exists()
    if administers or is_editor(user):
        kinds.append(NotificationKind.MEMBERSHIP_REQUESTS)
    if is_editor(user):
        kinds += [NotificationKind.NEW_SUBMISSIONS, NotificationKind.NEW_REPORTS]
    return kinds


def unsubscribe(user, kind):
    NotificationSubscription.objects.filter(user=user, kind=kind).delete()
