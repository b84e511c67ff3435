"""District conferences and the umbrella round: who takes part, their meetings with
agendas, sign-ups, attendance, minutes and the tasks agreed there."""

import os
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartiersnetz.core.fields import URLField
from quartiersnetz.core.text import render_markdown
from quartiersnetz.organizations.models import new_token

# Words the addresses (urls.py) use after "konferenzen/": no conference may take them
# as its short name.
RESERVED_SLUGS = frozenset(
    {"neu", "aufgaben", "anhang", "anmeldung", "einladungen", "terminfindung"}
)


class Conference(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("District conference")
        UMBRELLA = "umbrella", _("Umbrella round")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    districts = models.ManyToManyField(
        "core.District", verbose_name=_("districts"), blank=True, related_name="conferences"
    )
    description = models.TextField(
        _("description"), blank=True, max_length=20_000, help_text=_("Markdown.")
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        # The umbrella round after the district conferences, which are listed by name.
        ordering = ["-kind", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("conferences:conference", kwargs={"slug": self.slug})

    @property
    def description_html(self):
        return render_markdown(self.description)


class Role(models.TextChoices):
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest")


class MembershipQuerySet(models.QuerySet):
    def current(self, day):
        """Memberships that count on day: begun (or without a start) and not ended."""
        return self.filter(
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=day),
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day),
        )


class Membership(models.Model):
    """A person who takes part in a conference, usually on behalf of an organisation
    (as OParl's Membership.onBehalfOf). The person may have no account: they answer
    date polls and comment on minutes through their personal link (token)."""

    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conference_memberships",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    on_behalf_of = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conference_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(_("member since"), null=True, blank=True)
    end_date = models.DateField(_("member until"), null=True, blank=True)
    show_contact = models.BooleanField(
        _("contact details may be shown"),
        default=False,
        help_text=_("Only with the person's consent: email and phone on the public page."),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("conference membership")
        verbose_name_plural = _("conference memberships")
        ordering = ["conference", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "user"],
                condition=models.Q(user__isnull=False),
                name="conferences_membership_one_per_account",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="conferences_membership_ends_after_start",
            ),
        ]

    def __str__(self):
        if self.on_behalf_of_id:
            return f"{self.name} ({self.on_behalf_of})"
        return self.name

    def is_current(self, day):
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or self.end_date >= day
        )

    @property
    def address(self):
        """Where mail to the person goes: their account's address, else the one entered."""
        if self.user_id and self.user.email:
            return self.user.email
        return self.email


class LiveMeetingManager(models.Manager):
    """Meetings that have not been deleted (the default everywhere)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllMeetingsManager(models.Manager):
    """Every meeting, the deleted ones too."""


class Meeting(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("meeting", "Planned")
        INVITED = "invited", pgettext_lazy("meeting", "Invited")
        HELD = "held", pgettext_lazy("meeting", "Held")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
        CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(
        Conference, verbose_name=_("conference"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Empty: “Meeting of <conference>”.")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    room = models.CharField(_("room"), max_length=200, blank=True)
    online_url = URLField(_("online link"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Citizens are invited and may sign up.")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default="planned")
    capacity = models.PositiveIntegerField(
        _("seats for citizens"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit. Who signs up beyond it is put on the waiting list."),
    )
    note = models.TextField(_("note"), blank=True, max_length=5000, help_text=_("Markdown."))
    cancel_reason = models.TextField(_("reason for the cancellation"), blank=True)
    # RFC 5545 SEQUENCE of the invitation: raised by every change sent to the members.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    # The public calendar's entry of a public meeting (category "conference").
    event = models.OneToOneField(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="meeting",
    )
    # Deleted meetings stay as tombstones for the OParl API (deleted: true) and are
    # hidden everywhere else.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    walk_in_count = models.PositiveIntegerField(
        _("further guests"),
        default=0,
        help_text=_("People who came without signing up and are not members."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = LiveMeetingManager()
    # With the deleted ones, for the OParl API's tombstones.
    with_deleted = AllMeetingsManager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start"]
        indexes = [models.Index(fields=["conference", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("conferences:meeting", kwargs={"slug": self.conference.slug, "pk": self.pk})

    @property
    def display_title(self):
        return self.title or _("Meeting of the %(conference)s") % {"conference": self.conference}

    @property
    def is_cancelled(self):
        return self.state == self.State.CANCELLED

    @property
    def ical_uid(self):
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"meeting-{self.uid}@{host}"


class AgendaItem(models.Model):
    """A point of the agenda (TOP); items under a parent are its sub-points."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(
        _("description"), blank=True, max_length=20_000, help_text=_("Markdown.")
    )
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("planned duration (minutes)"), null=True, blank=True
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Internal items are shown to members only.")
    )
    # What the minutes say about this item.
    minutes = models.TextField(
        _("minutes"), blank=True, max_length=50_000, help_text=_("Markdown.")
    )
    decision = models.TextField(_("decision"), blank=True, max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, read when used (so tests can move it), without
    a public address: views that check permission serve them."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage():
    """Attachments of internal items must not be reachable under MEDIA_URL."""
    return PrivateStorage()


class Attachment(models.Model):
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="conferences/%Y/", storage=private_storage)
    content_type = models.CharField(max_length=120, editable=False)
    size = models.PositiveIntegerField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["agenda_item", "created_at"]

    def __str__(self):
        return self.title


class Registration(models.Model):
    """A citizen's sign-up for a public meeting; a seat is taken when the address is
    confirmed, and who confirms beyond the capacity waits for a seat."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Not confirmed yet")
        CONFIRMED = "confirmed", pgettext_lazy("sign-up", "Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("sign-up", "Cancelled")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=150)
    # Stored in lower case (domain.registrations.sign_up).
    email = models.EmailField(_("email"))
    accessibility_needs = models.TextField(
        _("accessibility needs"),
        blank=True,
        max_length=1000,
        help_text=_("For example step-free access, a hearing loop or sign language."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the address was confirmed: the order of the waiting list.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["meeting", "confirmed_at", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=~models.Q(status="cancelled"),
                name="conferences_registration_one_per_address",
            )
        ]

    def __str__(self):
        return f"{self.name} – {self.meeting}"


class OptInAddress(models.Model):
    """An address that receives mails about something once it confirmed that it wants
    them (double opt-in); its token is the secret of the confirm and unsubscribe links."""

    # Stored in lower case.
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.email


class Subscriber(OptInAddress):
    """An address that receives the invitations to a conference's public meetings
    (double opt-in: it counts once confirmed)."""

    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="subscribers",
    )

    class Meta:
        verbose_name = _("invitation subscriber")
        verbose_name_plural = _("invitation subscribers")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "email"], name="conferences_subscriber_one_per_address"
            )
        ]


class Attendance(models.Model):
    """Whether a member took part in a meeting (citizens: Registration.attended)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"], name="conferences_attendance_once"
            )
        ]

    def __str__(self):
        return f"{self.membership} – {self.meeting}"


class Minutes(models.Model):
    """The minutes of a meeting: general notes here, one text per agenda item on the
    item. Draft → sent to the members for comments → approved → published."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("minutes", "Draft")
        IN_REVIEW = "in_review", _("Sent for comments")
        APPROVED = "approved", pgettext_lazy("minutes", "Approved")
        PUBLISHED = "published", pgettext_lazy("minutes", "Published")

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    notes = models.TextField(
        _("general notes"), blank=True, max_length=50_000, help_text=_("Markdown.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Raised by every save, so two people editing at once do not overwrite each other.
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return _("Minutes: %(meeting)s") % {"meeting": self.meeting}


class MinutesComment(models.Model):
    """A member's comment on minutes sent for comments."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    text = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment on minutes")
        verbose_name_plural = _("comments on minutes")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.name}: {self.text[:40]}"


class ActionItem(models.Model):
    """What was agreed: who does what by when, tracked to done."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("task", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", pgettext_lazy("task", "Done")
        DROPPED = "dropped", pgettext_lazy("task", "Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    conference = models.ForeignKey(
        Conference,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    title = models.CharField(_("what"), max_length=300)
    description = models.TextField(_("details"), blank=True, max_length=5000)
    assignee = models.ForeignKey(
        Membership,
        verbose_name=_("who (person)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("who (organisation)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="open")
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.title

    @cached_property
    def responsible(self):
        """Who does it, as a line: the person, the organisation, or both."""
        parts = [str(part) for part in (self.assignee, self.organization) if part]
        if self.assignee_id and self.organization_id == self.assignee.on_behalf_of_id:
            parts = [str(self.assignee)]
        return " / ".join(parts)


class DatePoll(models.Model):
    """Finding a date: the moderator proposes options, members answer, one is picked
    and becomes a meeting."""

    conference = models.ForeignKey(
        Conference, verbose_name=_("conference"), on_delete=models.CASCADE, related_name="polls"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=5000)
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_open = models.BooleanField(_("open for answers"), default=True)
    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="poll",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("date poll")
        verbose_name_plural = _("date polls")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title or _("Date for the %(conference)s") % {"conference": self.conference}


class PollOption(models.Model):
    poll = models.ForeignKey(DatePoll, on_delete=models.CASCADE, related_name="options")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        verbose_name = _("proposed date")
        verbose_name_plural = _("proposed dates")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="poll_option_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M}"


class PollAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("If need be")
        NO = "no", _("No")

    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="answers")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="poll_answers"
    )
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["option", "membership"], name="conferences_poll_answer_once"
            )
        ]

    def __str__(self):
        return f"{self.membership}: {self.answer}"


class Concern(models.Model):
    """What a neighbourhood needs ("wo der Schuh drückt"), raised by anyone for a
    district and followed up by the conferences that cover it. Its history is public
    (ConcernUpdate)."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Address not confirmed yet")
        NEW = "new", pgettext_lazy("concern", "New")
        IN_DISCUSSION = "in_discussion", _("In discussion")
        TAKEN_UP = "taken_up", _("Taken up")
        DONE = "done", pgettext_lazy("concern", "Done")
        DECLINED = "declined", pgettext_lazy("concern", "Declined")

    # Shown in public lists (an unconfirmed concern is not).
    PUBLIC_STATUSES = (
        Status.NEW,
        Status.IN_DISCUSSION,
        Status.TAKEN_UP,
        Status.DONE,
        Status.DECLINED,
    )

    class Topic(models.TextChoices):
        TRAFFIC = "traffic", _("Traffic and paths")
        GREEN = "green", _("Green spaces and playgrounds")
        MEETING_PLACES = "meeting_places", _("Places to meet")
        CLEANLINESS = "cleanliness", _("Cleanliness")
        ACCESSIBILITY = "accessibility", _("Accessibility")
        SAFETY = "safety", _("Safety")
        HOUSING = "housing", _("Housing")
        YOUTH = "youth", _("Children and young people")
        SENIORS = "seniors", _("Older people")
        OTHER = "other", pgettext_lazy("concern topic", "Other")

    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="concerns",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10_000, help_text=_("Markdown."))
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
    )
    location_text = models.CharField(
        _("where exactly"),
        max_length=200,
        blank=True,
        help_text=_("For example a street corner or a square."),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.UNCONFIRMED
    )
    # In discussion: the agenda item where a conference talks about it.
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
    )
    taken_up_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("taken up by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
    )
    # The public reason of the latest decision (declined, done, taken up).
    status_reason = models.TextField(_("reason"), blank=True, max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="concerns",
    )
    # Not published; for the confirmation and, if wished, the notifications.
    author_name = models.CharField(_("your name"), max_length=150, blank=True)
    author_email = models.EmailField(_("your email address"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["district", "status", "-created_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("conferences:concern", kwargs={"pk": self.pk})

    @property
    def description_html(self):
        return render_markdown(self.description)


class ConcernUpdate(models.Model):
    """One step of a concern's public history: the status it reached and why."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=15, choices=Concern.Status.choices)
    message = models.TextField(_("message"), blank=True, max_length=5000)
    # What the step pointed to at the time: the agenda item (in discussion) and the
    # organisation (taken up), so that the history stays right after later steps.
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("concern update")
        verbose_name_plural = _("concern updates")
        ordering = ["concern", "created_at", "pk"]

    def __str__(self):
        return f"{self.concern}: {self.status}"


class ConcernFollower(OptInAddress):
    """An address that is told of every step of a concern (double opt-in: it counts
    once confirmed; one-click unsubscribe in every mail)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="followers")

    class Meta:
        verbose_name = _("follower of a concern")
        verbose_name_plural = _("followers of concerns")
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "email"], name="conferences_concern_follower_once"
            )
        ]


class Project(models.Model):
    """A cooperation project across districts or organisations."""

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        PLANNED = "planned", pgettext_lazy("project", "Planned")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)
    description = models.TextField(
        _("description"), blank=True, max_length=20_000, help_text=_("Markdown.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="idea")
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    conferences = models.ManyToManyField(
        Conference, verbose_name=_("conferences"), blank=True, related_name="projects"
    )
    partners = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="projects",
    )
    districts = models.ManyToManyField(
        "core.District", verbose_name=_("districts"), blank=True, related_name="projects"
    )
    events = models.ManyToManyField(
        "events.Event", verbose_name=_("related events"), blank=True, related_name="projects"
    )
    concerns = models.ManyToManyField(
        Concern, verbose_name=_("related concerns"), blank=True, related_name="projects"
    )
    meetings = models.ManyToManyField(
        Meeting, verbose_name=_("related meetings"), blank=True, related_name="projects"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="conferences_project_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("conferences:project", kwargs={"slug": self.slug})

    @property
    def description_html(self):
        return render_markdown(self.description)
