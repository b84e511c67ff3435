from django.urls import path

from quartiersnetz.organizations import views

app_name = "organizations"

urlpatterns = [
    path("organisationen/<slug:slug>/mitglieder/", views.members, name="members"),
    path(
        "organisationen/<slug:slug>/mitglieder/einladen/",
        views.invite,
        name="invite",
    ),
    path(
        "organisationen/<slug:slug>/mitglied-werden/",
        views.request_to_join,
        name="request",
    ),
    path(
        "organisationen/<slug:slug>/mitglieder/<int:pk>/annehmen/",
        views.approve,
        name="approve",
    ),
    path(
        "organisationen/<slug:slug>/mitglieder/<int:pk>/ablehnen/",
        views.decline,
        name="decline",
    ),
    path(
        "organisationen/<slug:slug>/mitglieder/<int:pk>/entfernen/",
        views.remove,
        name="remove",
    ),
    path("einladungen/<str:token>/", views.accept, name="accept"),
    path("konto/organisationen/", views.mine, name="mine"),
    path("konto/organisationen/<int:pk>/verlassen/", views.leave, name="leave"),
]
