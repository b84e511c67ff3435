from django.urls import path

from quartiersnetz.accounts import views

app_name = "accounts"

urlpatterns = [
    path("konto/daten/", views.privacy, name="privacy"),
    path("konto/daten/herunterladen/", views.download_data, name="download"),
    path("konto/daten/loeschen/", views.erase, name="erase"),
    path("konto/rollen/", views.roles, name="roles"),
    path("konto/rollen/<int:pk>/", views.set_roles, name="set-roles"),
    path("konto/benachrichtigungen/", views.notifications, name="notifications"),
    path("mails-abbestellen/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("redaktion/personen/", views.people, name="people"),
    path("redaktion/personen/<int:pk>/sperren/", views.block, name="block"),
    path("redaktion/personen/<int:pk>/entsperren/", views.unblock, name="unblock"),
]
