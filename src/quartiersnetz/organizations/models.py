"""Organisations: associations, institutions, politics, administration, housing."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quartiersnetz.core.fields import URLField


class Organization(models.Model):
    class Type(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        INSTITUTION = "institution", _("Institution")
        POLITICS = "politics", _("Politics")
        ADMINISTRATION = "administration", _("Administration")
        HOUSING = "housing", _("Housing company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    description = models.TextField(_("description"), blank=True, max_length=20_000)
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:organization", kwargs={"slug": self.slug})
