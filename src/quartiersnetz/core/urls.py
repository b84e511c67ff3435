from django.urls import path

from quartiersnetz.core import views
from quartiersnetz.core.models import LegalPage

app_name = "core"

Kind = LegalPage.Kind

urlpatterns = [
    path("impressum/", views.legal_page, {"kind": Kind.IMPRINT}, name="imprint"),
    path("datenschutz/", views.legal_page, {"kind": Kind.PRIVACY}, name="privacy"),
    path("barrierefreiheit/", views.legal_page, {"kind": Kind.ACCESSIBILITY}, name="accessibility"),
    path(
        "impressum/bearbeiten/",
        views.edit_legal_page,
        {"kind": Kind.IMPRINT},
        name="imprint-edit",
    ),
    path(
        "datenschutz/bearbeiten/",
        views.edit_legal_page,
        {"kind": Kind.PRIVACY},
        name="privacy-edit",
    ),
    path(
        "barrierefreiheit/bearbeiten/",
        views.edit_legal_page,
        {"kind": Kind.ACCESSIBILITY},
        name="accessibility-edit",
    ),
]
