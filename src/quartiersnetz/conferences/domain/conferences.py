"""Conferences and who takes part in them: creating and editing a conference, adding,
changing and ending memberships."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _

from quartiersnetz.conferences.models import Conference, Membership, Role
from quartiersnetz.core.activity import changed_values, log_activity, snapshot
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.core.timeutil import local_today

CONFERENCE_FIELDS = (
    "name",
    "slug",
    "kind",
    "districts",
    "description",
    "contact_email",
    "is_active",
)
MEMBER_FIELDS = (
    "name",
    "email",
    "phone",
    "on_behalf_of",
    "role",
    "start_date",
    "end_date",
    "show_contact",
)


@transaction.atomic
def save_conference(form, user):
    """Save a conference form (new or edited) and log what changed."""
    is_new = form.instance.pk is None
    before = (
        {} if is_new else snapshot(Conference.objects.get(pk=form.instance.pk), CONFERENCE_FIELDS)
    )
    conference = form.save()
    changes = changed_values(before, snapshot(conference, CONFERENCE_FIELDS))
    if is_new or changes:
        log_activity(conference, user, "created" if is_new else "edited", changes=changes)
    return conference


def find_account(email):
    """The active account of an address, if there is one."""
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


@transaction.atomic
def add_member(conference, *, user, data):
    """Add a person to the conference (data: name, email, phone, on_behalf_of, role,
    start_date, show_contact). An address with an account is linked to the account;
    a person who had left takes part again in their old membership."""
    email = (data.get("email") or "").strip().lower()
    account = find_account(email)
    existing = None
    if account is not None:
        existing = (
            Membership.objects.select_for_update()
            .filter(conference=conference, user=account)
            .first()
        )
    elif email:
        existing = (
            Membership.objects.select_for_update()
            .filter(conference=conference, user__isnull=True, email__iexact=email)
            .first()
        )
    today = local_today()
    if existing is not None and (existing.end_date is None or existing.end_date >= today):
        raise ValidationError(
            _("%(name)s already takes part in this conference.") % {"name": existing.name},
            code="duplicate",
        )
    membership = existing or Membership(conference=conference)
    membership.name = data["name"]
    membership.email = email
    membership.phone = data.get("phone") or ""
    membership.on_behalf_of = data.get("on_behalf_of")
    membership.role = data.get("role") or Role.MEMBER
    membership.show_contact = bool(data.get("show_contact"))
    membership.user = account
    membership.start_date = data.get("start_date") or today
    membership.end_date = None
    membership.full_clean()
    membership.save()
    log_activity(
        conference,
        user,
        "member added" if existing is None else "member rejoined",
        message=str(membership),
    )
    if membership.address:
        _welcome(membership)
    return membership


def _welcome(membership):
    conference = membership.conference
    send_bilingual_mail(
        "conferences/mail/member_added.txt",
        {
            "membership": membership,
            "conference": conference,
            "conference_url": absolute_url(conference.get_absolute_url()),
            "account_url": absolute_url(reverse("account_signup")),
        },
        [membership.address],
    )


@transaction.atomic
def update_member(form, user):
    """Save a changed membership and log what changed."""
    before = snapshot(Membership.objects.get(pk=form.instance.pk), MEMBER_FIELDS)
    membership = form.save(commit=False)
    account = find_account(membership.email)
    if account is not None and membership.user_id != account.pk:
        if (
            Membership.objects.filter(conference=membership.conference, user=account)
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise ValidationError(
                _("This address belongs to another member of the conference."),
                code="duplicate",
            )
        membership.user = account
    membership.email = membership.email.lower()
    membership.save()
    changes = changed_values(before, snapshot(membership, MEMBER_FIELDS))
    if changes:
        log_activity(
            membership.conference, user, "member edited", message=str(membership), changes=changes
        )
    return membership


@transaction.atomic
def end_membership(membership, *, user, end_date=None):
    """The person no longer takes part from the day after end_date (default today).
    The row stays: past meetings and minutes keep naming who was there."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    end_date = end_date or local_today()
    if membership.end_date is not None and membership.end_date <= end_date:
        raise ValidationError(_("This membership has already ended."), code="ended")
    if membership.start_date and end_date < membership.start_date:
        raise ValidationError(
            _("A membership cannot end before it began (%(day)s).")
            % {"day": membership.start_date.strftime("%d.%m.%Y")},
            code="before_start",
        )
    membership.end_date = end_date
    membership.save(update_fields=["end_date", "updated_at"])
    log_activity(membership.conference, user, "member left", message=str(membership))
    return membership


def current_members(conference, day=None):
    """The conference's memberships that count on day (default today): the moderators'
    organisations first, then people who represent an organisation (by its name), then
    people on their own."""
    return (
        conference.memberships.current(day or local_today())
        .select_related("on_behalf_of", "user")
        .alias(
            moderating=Exists(
                Membership.objects.current(day or local_today()).filter(
                    conference=conference,
                    role=Role.MODERATOR,
                    on_behalf_of=OuterRef("on_behalf_of"),
                )
            )
        )
        .order_by(
            F("moderating").desc(),
            Lower("on_behalf_of__name").asc(nulls_last=True),
            "name",
        )
    )
