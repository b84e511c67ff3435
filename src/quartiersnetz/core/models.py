"""Districts of the town and the site-wide settings an administrator edits."""

from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A Stadtteil: an area of town that events, places and conferences belong to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude of the centre"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude of the centre"), max_digits=9, decimal_places=6)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:district", kwargs={"slug": self.slug})


class SiteSettings(models.Model):
    """The one row of settings that administrators change without a developer."""

    demo_notice = models.BooleanField(
        _("show the demo data notice"),
        default=False,
        help_text=_("Shown on every page while the platform holds demo data."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    @classmethod
    def load(cls):
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings


class Revision(models.Model):
    """A counter raised whenever what a public view shows may have changed.

    Feeds derive their ETag and Last-Modified from it, so a client's conditional
    request costs one indexed read instead of an aggregate over the calendar.
    """

    name = models.CharField(max_length=50, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self):
        return f"{self.name} {self.value}"

    @classmethod
    def bump(cls, name):
        now = timezone.now()
        if not cls.objects.filter(name=name).update(value=F("value") + 1, changed_at=now):
            cls.objects.get_or_create(name=name, defaults={"value": 1, "changed_at": now})

    @classmethod
    def current(cls, name):
        revision, _created = cls.objects.get_or_create(name=name)
        return revision
