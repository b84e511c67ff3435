"""Events, their categories and their materialised occurrences (the calendar's index)."""

import datetime as dt
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartiersnetz.core.fields import URLField
from quartiersnetz.core.text import render_markdown
from quartiersnetz.core.timeutil import localize, start_of_day
from quartiersnetz.events import recurrence


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    # Translators: an event that has been moved to a new date.
    POSTPONED = "postponed", _("Postponed")
    REJECTED = "rejected", _("Rejected")


# Events in these states are shown to the public (cancelled ones with a notice).
LISTED_STATUSES = (Status.PUBLISHED, Status.CANCELLED, Status.POSTPONED)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (organisers only)")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")
    FAMILIES = "families", _("Families")
    ADULTS = "adults", _("Adults")
    SENIORS = "seniors", _("Older people")


class Event(models.Model):
    """What the calendar shows. Its dates live in Occurrence rows."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    teaser = models.CharField(
        _("teaser"), max_length=300, blank=True, help_text=_("One or two sentences for lists.")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=20_000,
        help_text=_("Markdown: *italic*, **bold**, lists and links."),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    recurrence_rule = models.CharField(
        _("recurrence rule"),
        max_length=500,
        blank=True,
        help_text=_("RFC 5545 RRULE, for example FREQ=WEEKLY;BYDAY=SA or FREQ=MONTHLY;BYDAY=1TU."),
    )
    recurrence_exceptions = models.TextField(
        _("excluded dates"),
        blank=True,
        help_text=_("Dates of the series that do not take place, one per line (YYYY-MM-DD)."),
    )
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    online_url = URLField(_("online link"), blank=True)
    organizers = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("organisers"),
        blank=True,
        related_name="events",
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="events"
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    is_free = models.BooleanField(_("free of charge"), default=False)
    price = models.CharField(
        _("price"), max_length=200, blank=True, help_text=_("For example: 5 €, reduced 3 €.")
    )
    registration_url = URLField(_("registration link"), blank=True)
    image = models.ImageField(_("image"), upload_to="events/%Y/", blank=True)
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    expected_attendance = models.PositiveIntegerField(
        _("expected attendance"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    is_highlight = models.BooleanField(
        _("highlight"), default=False, help_text=_("Shown on the start page.")
    )
    previous_start = models.DateTimeField(_("previous start"), null=True, blank=True)
    # Raised on every change that calendar clients must notice (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Recurring events are expanded up to this moment; a periodic task moves it on.
    materialised_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who sent the event without an account (anonymous submission), and whether
    # they want the editors' decision by mail.
    submitter_name = models.CharField(_("submitted by (name)"), max_length=150, blank=True)
    submitter_email = models.EmailField(_("submitted by (email)"), blank=True)
    submitter_wants_decision = models.BooleanField(default=False)
    # Why the organiser keeps the date despite a serious conflict (date coordination);
    # editors and the other organiser read it.
    conflict_justification = models.TextField(
        _("reason for keeping the date"), max_length=2000, blank=True
    )
    # The editors' last word to the organiser: why it was rejected, what to change.
    review_message = models.TextField(_("message from the editors"), blank=True)
    # The key of the form that created the event: a second click saves nothing twice.
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("calendar entry", "event")
        verbose_name_plural = pgettext_lazy("calendar entry", "events")
        ordering = ["start"]
        indexes = [models.Index(fields=["recurrence_rule", "materialised_until"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.start and self.end:
            if self.all_day:
                # All-day events run from the first day's midnight to the midnight
                # after the last day (exclusive end, as in RFC 5545).
                self.start = start_of_day(localize(self.start).date())
                last_day = localize(self.end).date()
                if localize(self.end) == start_of_day(last_day) and last_day > self.start.date():
                    last_day -= dt.timedelta(days=1)
                self.end = start_of_day(last_day + dt.timedelta(days=1))
            if self.end <= self.start:
                errors["end"] = _("The end must be after the start.")
            elif self.end - self.start > dt.timedelta(days=settings.EVENTS_MAX_DURATION_DAYS):
                errors["end"] = _(
                    "An event can last at most %(days)s days. Enter a longer run "
                    "as a recurring event."
                ) % {"days": settings.EVENTS_MAX_DURATION_DAYS}
        if self.recurrence_rule:
            try:
                self.recurrence_rule = recurrence.normalise_rule(self.recurrence_rule)
            except ValidationError as error:
                errors["recurrence_rule"] = error.messages
        if self.recurrence_exceptions:
            try:
                dates = recurrence.parse_exceptions(self.recurrence_exceptions)
                self.recurrence_exceptions = "\n".join(day.isoformat() for day in dates)
            except ValidationError as error:
                errors["recurrence_exceptions"] = error.messages
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _("Describe the image for people who cannot see it.")
        if self.place_id is None and not self.online_url and self.status != Status.DRAFT:
            errors["place"] = _("Choose a place or enter an online link.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_recurring(self):
        return bool(self.recurrence_rule)

    @property
    def is_listed(self):
        return self.status in LISTED_STATUSES and self.visibility == Visibility.PUBLIC

    @property
    def description_html(self):
        return render_markdown(self.description)


class Occurrence(models.Model):
    """One concrete time slot of an event; every calendar query runs on this table.

    district, status, visibility, is_free, step_free, expected_attendance and audience
    are copies of what the calendar and the year board filter and weigh on, kept in
    step by events.domain.materialise_occurrences.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    # The slot's place in the series (RECURRENCE-ID); stays when the slot is moved.
    original_start = models.DateTimeField()
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    moved = models.BooleanField(_("moved"), default=False)
    district = models.ForeignKey(
        "core.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    is_free = models.BooleanField(default=False)
    step_free = models.BooleanField(default=False)
    # Copies for date coordination (the year board weighs dates by size and audience).
    expected_attendance = models.PositiveIntegerField(null=True, blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="occurrence_unique_slot"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="occurrence_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["start"], name="occurrence_start"),
            # The public calendar's range scan (domain.occurrences_between on
            # listed_occurrences) checks "end" inside the index.
            models.Index(
                fields=["start", "end"],
                condition=models.Q(status__in=LISTED_STATUSES, visibility=Visibility.PUBLIC),
                name="occurrence_listed_start_end",
            ),
            models.Index(fields=["district", "start"], name="occurrence_district_start"),
            # The year board's weekend aggregate and the suggestions' day index read
            # only this index (PostgreSQL INCLUDE; other databases index start alone).
            models.Index(
                fields=["start"],
                include=["end", "district", "expected_attendance", "audience", "event", "id"],
                condition=models.Q(
                    status__in=[Status.PUBLISHED, Status.POSTPONED],
                    visibility=Visibility.PUBLIC,
                    cancelled=False,
                ),
                name="occurrence_board",
            ),
        ]

    def __str__(self):
        return f"{self.event.title} ({self.start:%Y-%m-%d %H:%M})"

    @property
    def is_listed(self):
        return self.status in LISTED_STATUSES and self.visibility == Visibility.PUBLIC

    @property
    def is_cancelled(self):
        return self.cancelled or self.status == Status.CANCELLED

    @property
    def slot_day(self):
        """The local day of the slot in its series; identifies it across edits."""
        return localize(self.original_start).date()

    @property
    def ical_uid(self):
        """Stable across edits: the event's UID, for a series with the slot's day."""
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        if not self.event.is_recurring:
            return f"{self.event.uid}@{host}"
        return f"{self.event.uid}-{self.slot_day:%Y%m%d}@{host}"


class Report(models.Model):
    """Someone tells the editors that an event is wrong, offensive or spam."""

    class Reason(models.TextChoices):
        WRONG = "wrong", _("The information is wrong or out of date")
        INAPPROPRIATE = "inappropriate", _("Offensive, discriminating or illegal content")
        SPAM = "spam", _("Advertising or spam")
        OTHER = "other", _("Something else")

    event = models.ForeignKey(
        Event,
        verbose_name=pgettext_lazy("calendar entry", "event"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    message = models.TextField(_("message"), max_length=5000, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("email address for questions"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("handled"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self):
        return f"{self.event} – {self.get_reason_display()}"
