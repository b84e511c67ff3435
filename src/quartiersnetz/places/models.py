"""Venues with address, district, coordinates and access information."""

from urllib.parse import urlencode

from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=200, unique=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=100, default="Hattingen")
    district = models.ForeignKey(
        "core.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="places",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    access_notes = models.TextField(_("notes on access"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def address_line(self):
        locality = " ".join(part for part in [self.postcode, self.city] if part)
        return ", ".join(part for part in [self.street, locality] if part)

    @property
    def map_url(self):
        """A link to open the place in OpenStreetMap; nothing is embedded."""
        if self.latitude is not None and self.longitude is not None:
            return (
                "https://www.openstreetmap.org/?"
                + urlencode({"mlat": self.latitude, "mlon": self.longitude})
                + f"#map=18/{self.latitude}/{self.longitude}"
            )
        return "https://www.openstreetmap.org/search?" + urlencode(
            {"query": f"{self.name}, {self.address_line}"}
        )
