"""Districts, site-wide settings, legal pages, barrier reports and the activity log."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartiersnetz.core.fields import URLField
from quartiersnetz.core.text import render_markdown


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
    anonymous_submissions = models.BooleanField(
        _("accept events without an account"),
        default=False,
        help_text=_(
            "People without an account may send an event with their name and email "
            "address; it is reviewed like any other submission."
        ),
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


class LegalPage(models.Model):
    """A page the law asks for (imprint, privacy policy, accessibility statement).

    Administrators keep the text up to date in the site itself; a data migration
    creates the three pages with placeholders the operator completes.
    """

    class Kind(models.TextChoices):
        IMPRINT = "imprint", _("Imprint")
        PRIVACY = "privacy", _("Privacy policy")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        max_length=50_000,
        help_text=_("Markdown: *italic*, **bold**, ## headings, lists and links."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        ordering = ["kind"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(f"core:{self.kind}")

    @property
    def body_html(self):
        return render_markdown(self.body)


class BarrierReport(models.Model):
    """A barrier someone met on the site, sent with the form of the accessibility statement."""

    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    description = models.TextField(_("description of the barrier"), max_length=5000)
    page_url = URLField(_("address of the page"), max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    wants_reply = models.BooleanField(_("wants a reply"), default=False)
    handled = models.BooleanField(_("handled"), default=False)

    class Meta:
        verbose_name = _("barrier report")
        verbose_name_plural = _("barrier reports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.description[:60]


class ActivityLog(models.Model):
    """Who did what to which object and when, with the values before and after.

    One table for every app (events now; meetings, minutes and concerns later), so
    an object's history is one query and the public history of a concern and the
    editors' history of an event are written the same way.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    # What the object was called then: the entry stays readable once it is deleted.
    object_label = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    action = models.CharField(_("action"), max_length=50)
    message = models.TextField(_("message"), blank=True)
    # {field label: [before, after]} as the person saw them, for edits.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"
