"""The user model: people sign in with their email address; roles are flags set in the UI."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must be staff and superuser.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. The email address is the login; there is no username."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(
        _("name"), max_length=150, blank=True, help_text=_("How others see you on the platform.")
    )
    is_editor = models.BooleanField(
        _("editor"),
        default=False,
        help_text=_("Editors moderate and maintain the whole calendar."),
    )
    is_moderator = models.BooleanField(
        _("conference moderator"),
        default=False,
        help_text=_("Moderators run district conferences and their meetings."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name or self.email


class NotificationKind(models.TextChoices):
    """The kinds of mail a person can ask for; none is sent without asking (opt-in)."""

    REVIEW_RESULTS = "review_results", _("the editors' decisions on events you submitted")
    MEMBERSHIP_REQUESTS = "membership_requests", _("requests to join organisations you administer")
    DATE_CONFLICTS = (
        "date_conflicts",
        _("other organisations' plans that clash with your organisations' dates"),
    )
    NEW_SUBMISSIONS = "new_submissions", _("new events waiting for review (editors)")
    NEW_REPORTS = "new_reports", _("reports about events (editors)")


class NotificationSubscription(models.Model):
    """A person asked for mails of one kind."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_subscriptions"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification subscription")
        verbose_name_plural = _("notification subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="accounts_one_subscription")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()}"
