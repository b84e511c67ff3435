"""Date holds, the conflict engine's settings and the organisers' agreements about a clash."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartiersnetz.events.models import Audience

# A hold reserves at most this many days (a festival week, not a season).
HOLD_MAX_DAYS = 14


class DateHold(models.Model):
    """An organisation's early, tentative claim on a date for a planned event."""

    class Visibility(models.TextChoices):
        ORGANISERS = "organisers", _("Organisers only")
        PUBLIC = "public", _("Public, as “save the date”")

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="date_holds",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title of the planned event"), max_length=200)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="date_holds",
    )
    place = models.ForeignKey(
        "places.Place",
        verbose_name=_("place"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="date_holds",
    )
    categories = models.ManyToManyField(
        "events.Category", verbose_name=_("categories"), blank=True, related_name="date_holds"
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    expected_attendance = models.PositiveIntegerField(
        _("expected attendance"), null=True, blank=True
    )
    note = models.TextField(_("note"), max_length=5000, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.ORGANISERS
    )
    expires_on = models.DateField(
        _("hold until"),
        help_text=_("After this day the date is free again unless the hold became an event."),
    )
    # Why the organiser keeps the date despite a serious conflict; the other organiser
    # and the editors read it.
    justification = models.TextField(_("reason for keeping the date"), max_length=2000, blank=True)
    event = models.OneToOneField(
        "events.Event",
        verbose_name=pgettext_lazy("calendar entry", "event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="date_hold",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("date hold")
        verbose_name_plural = _("date holds")
        ordering = ["first_day", "pk"]
        indexes = [
            # Conflict checks and the year board read active holds by day.
            models.Index(fields=["first_day", "last_day"], name="hold_days"),
            models.Index(fields=["expires_on"], name="hold_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="hold_last_day_not_before_first",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coordination:hold", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.first_day and self.last_day:
            if self.last_day < self.first_day:
                errors["last_day"] = _("The last day cannot be before the first day.")
            elif (self.last_day - self.first_day).days + 1 > HOLD_MAX_DAYS:
                errors["last_day"] = _("A hold covers at most %(days)s days.") % {
                    "days": HOLD_MAX_DAYS
                }
        if self.expires_on and self.first_day and self.expires_on > self.last_day:
            errors["expires_on"] = _("A hold cannot last beyond its own last day.")
        if errors:
            raise ValidationError(errors)

    def is_active(self, today):
        """Tentative claim still standing: not expired, not yet an event."""
        return self.event_id is None and self.expires_on >= today

    @property
    def days(self):
        return [
            self.first_day + dt.timedelta(days=offset)
            for offset in range((self.last_day - self.first_day).days + 1)
        ]


class CoordinationSettings(models.Model):
    """Weights and thresholds of the conflict engine, changed by administrators in the UI."""

    large_event_attendance = models.PositiveIntegerField(
        _("large event from (visitors)"),
        default=1000,
        help_text=_("Events with at least this many expected visitors count as large."),
    )
    neighbour_distance_km = models.DecimalField(
        _("neighbouring districts within (km)"),
        max_digits=4,
        decimal_places=1,
        default=2.5,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
        help_text=_("Districts whose centres lie this close count as neighbours."),
    )
    weight_same_district = models.PositiveSmallIntegerField(
        _("weight: same district, same day"), default=30
    )
    weight_neighbour_district = models.PositiveSmallIntegerField(
        _("weight: neighbouring district, same day"), default=15
    )
    weight_large_same_weekend = models.PositiveSmallIntegerField(
        _("weight: large event in town, same weekend"), default=40
    )
    weight_same_audience = models.PositiveSmallIntegerField(
        _("weight: same audience, same day"), default=10
    )
    weight_public_holiday = models.PositiveSmallIntegerField(
        _("weight: public holiday"), default=10
    )
    weight_school_holidays = models.PositiveSmallIntegerField(
        _("weight: school holidays"), default=15
    )
    weight_bridge_day = models.PositiveSmallIntegerField(_("weight: bridge day"), default=5)
    high_severity_from = models.PositiveSmallIntegerField(
        _("serious conflict from (weight)"),
        default=40,
        help_text=_("Saving with a conflict of at least this weight asks for a reason."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("date coordination settings")
        verbose_name_plural = _("date coordination settings")

    def __str__(self):
        return str(_("Date coordination settings"))

    @classmethod
    def load(cls):
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class Agreement(models.Model):
    """A conversation between two organisations about dates that clash ("Absprache")."""

    # What was being planned when the clash was found …
    hold = models.ForeignKey(
        DateHold, on_delete=models.CASCADE, null=True, blank=True, related_name="agreements"
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # … and what it clashes with.
    other_hold = models.ForeignKey(
        DateHold, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    other_event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organizations = models.ManyToManyField(
        "organizations.Organization", related_name="date_agreements"
    )
    summary = models.CharField(_("conflict"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement about a date")
        verbose_name_plural = _("agreements about dates")
        ordering = ["-created_at"]

    def __str__(self):
        return self.summary

    def get_absolute_url(self):
        return reverse("coordination:agreement", kwargs={"pk": self.pk})


class AgreementMessage(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("message"), max_length=5000)
    # The author chose to show their email address to the other organisation.
    share_email = models.BooleanField(_("show my email address to the other organisation"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]
