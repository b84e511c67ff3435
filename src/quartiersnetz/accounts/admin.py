from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from quartiersnetz.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "name",
        "is_editor",
        "is_moderator",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = ["is_editor", "is_moderator", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal information"), {"fields": ["name"]}),
        (
            _("Roles and permissions"),
            {
                "fields": [
                    "is_active",
                    "is_editor",
                    "is_moderator",
                    "is_staff",
                    "is_superuser",
                    "groups",
                ]
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]
