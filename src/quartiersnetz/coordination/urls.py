from django.urls import path

from quartiersnetz.coordination import agreement_views, board_urls, check_views, views

app_name = "coordination"

urlpatterns = [
    # Organisers: their holds and the others' (Terminvormerkungen)
    path("terminvormerkungen/", views.hold_list, name="holds"),
    path("terminvormerkungen/neu/", views.hold_create, name="hold-create"),
    path("terminvormerkungen/<int:pk>/", views.hold_detail, name="hold"),
    path("terminvormerkungen/<int:pk>/bearbeiten/", views.hold_edit, name="hold-edit"),
    path("terminvormerkungen/<int:pk>/aufheben/", views.hold_release, name="hold-release"),
    # Everyone: public holds as "save the date"
    path("vormerkungen/", views.save_the_date, name="save-the-date"),
    path("vormerkungen/<int:pk>/", views.public_hold, name="public-hold"),
    # Administrators: weights and thresholds of the conflict engine
    path("redaktion/terminabstimmung/", views.coordination_settings, name="settings"),
    # Conflicts while the dates are typed, and better dates
    path("terminabstimmung/pruefen/", check_views.conflicts, name="conflicts"),
    path("terminabstimmung/vorschlaege/", check_views.suggestions, name="suggestions"),
    # Organisations talk over a clash (Absprache)
    path("absprachen/", agreement_views.agreement_list, name="agreements"),
    path("absprachen/<int:pk>/", agreement_views.agreement, name="agreement"),
    # The umbrella round's year board
    *board_urls.urlpatterns,
]
