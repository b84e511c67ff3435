"""Organisations: associations, institutions, politics, administration, housing."""

import secrets

from django.conf import settings
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
    is_trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("Events of trusted organisations are published without review."),
    )
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


def new_token():
    return secrets.token_urlsafe(32)


class Membership(models.Model):
    """A person who acts for an organisation, or an open invitation or request to become one."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    # Empty while an invitation is open: the invited person may not have an account yet.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="organization_memberships",
    )
    invited_email = models.EmailField(_("invited email address"), blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(user__isnull=False),
                name="organizations_membership_one_per_user",
            ),
            # invited_email is stored in lower case (domain.invite_member).
            models.UniqueConstraint(
                fields=["organization", "invited_email"],
                condition=models.Q(state="invited"),
                name="organizations_membership_one_open_invitation",
            ),
        ]

    def __str__(self):
        return f"{self.user or self.invited_email} – {self.organization}"
