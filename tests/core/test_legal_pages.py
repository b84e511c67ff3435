import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from quartiersnetz.core.models import BarrierReport, LegalPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("imprint", "/impressum/"),
    ("privacy", "/datenschutz/"),
    ("accessibility", "/barrierefreiheit/"),
]


@pytest.fixture
def legal_pages():
    """The three pages as the data migration creates them (tests run without migrations)."""
    migration = importlib.import_module(
        "quartiersnetz.core.migrations.0004_legal_page_placeholders"
    )
    migration.create_placeholder_pages(apps, None)
    return {page.kind: page for page in LegalPage.objects.all()}


@pytest.fixture
def administrator():
    return UserFactory(is_superuser=True, is_staff=True)


def report(client, **data):
    return client.post(
        "/barrierefreiheit/",
        {"description": "Die Schrift im Kalender ist zu klein.", **data},
    )


# --- The pages ----------------------------------------------------------------------


def test_migration_creates_the_three_pages_with_placeholders_to_complete(legal_pages):
    assert set(legal_pages) == {"imprint", "privacy", "accessibility"}
    imprint = legal_pages["imprint"].body
    assert "§ 5 DDG" in imprint
    assert "§ 18 Abs. 2 MStV" in imprint
    assert "[Vorname Name" in imprint
    privacy = legal_pages["privacy"].body
    assert "Art. 15 DSGVO" in privacy
    assert "Art. 21 DSGVO" in privacy
    assert "Server-Protokolle" in privacy
    accessibility = legal_pages["accessibility"].body
    assert "teilweise vereinbar" in accessibility
    assert "Ombudsstelle für barrierefreie Informationstechnik" in accessibility
    for page in legal_pages.values():
        assert "Platzhalter" in page.body


@pytest.mark.parametrize(("kind", "url"), PAGES)
def test_each_page_renders_its_markdown_sanitised(client, legal_pages, kind, url):
    page = legal_pages[kind]
    page.title = "Rechtliches"
    page.body = "## Anbieter\n\nStadt **Hattingen**\n\n<script>alert('x')</script>"
    page.save()

    assert reverse(f"core:{kind}") == url
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Rechtliches</h1>" in content
    assert "<h2>Anbieter</h2>" in content
    assert "Stadt <strong>Hattingen</strong>" in content
    assert "<script>alert" not in content
    # Only the page itself is marked as current in the footer.
    assert f'<a href="{url}" aria-current="page">' in content


def test_legal_pages_have_one_heading_and_no_inline_script_or_style(client, legal_pages):
    for _kind, url in PAGES:
        content = client.get(url).content.decode()
        assert content.count("<h1") == 1, url
        assert "<footer" in content, url
        assert "style=" not in content, url
        assert not re.search(r"<script(?! src=\"/static/)", content), url


def test_a_missing_page_is_not_found(client):
    assert client.get("/impressum/").status_code == 404


@pytest.mark.parametrize("page", ["events:home", "events:week-print", "events:mine"])
def test_footer_links_to_the_legal_pages_on_every_layout(client, legal_pages, page):
    client.force_login(UserFactory())
    content = client.get(reverse(page)).content.decode()
    footer = content[content.index("<footer") :]
    for _kind, url in PAGES:
        assert f'<a href="{url}"' in footer


# --- Editing ------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client, legal_pages):
    response = client.get("/impressum/bearbeiten/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post("/impressum/bearbeiten/", {"title": "X", "body": "Y"})
    assert response.status_code == 302
    assert LegalPage.objects.get(kind="imprint").title == "Impressum"


@pytest.mark.parametrize("role", [{}, {"is_editor": True}], ids=["citizen", "editor"])
def test_citizens_and_editors_may_not_edit(client, legal_pages, role):
    client.force_login(UserFactory(**role))
    assert client.get("/datenschutz/bearbeiten/").status_code == 403
    response = client.post("/datenschutz/bearbeiten/", {"title": "X", "body": "Y"})
    assert response.status_code == 403
    assert LegalPage.objects.get(kind="privacy").title == "Datenschutzerklärung"
    assert "/datenschutz/bearbeiten/" not in client.get("/datenschutz/").content.decode()


def test_administrator_edits_a_page_and_is_recorded(client, legal_pages, administrator):
    client.force_login(administrator)
    assert 'href="/impressum/bearbeiten/"' in client.get("/impressum/").content.decode()
    form = client.get("/impressum/bearbeiten/").content.decode()
    assert 'name="title"' in form
    assert "[Vorname Name" in form

    response = client.post(
        "/impressum/bearbeiten/",
        {"title": "Impressum der Stadt", "body": "Stadt Hattingen, Rathausplatz 1"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/impressum/"
    page = LegalPage.objects.get(kind="imprint")
    assert page.title == "Impressum der Stadt"
    assert page.body == "Stadt Hattingen, Rathausplatz 1"
    assert page.updated_by == administrator
    assert "Rathausplatz 1" in client.get("/impressum/").content.decode()


def test_an_empty_text_is_refused(client, legal_pages, administrator):
    client.force_login(administrator)
    response = client.post("/barrierefreiheit/bearbeiten/", {"title": "", "body": ""})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert LegalPage.objects.get(kind="accessibility").title == "Erklärung zur Barrierefreiheit"


# --- Reporting a barrier ------------------------------------------------------------


def test_accessibility_page_has_the_report_form_with_a_hidden_trap(client, legal_pages):
    content = client.get("/barrierefreiheit/").content.decode()
    assert 'action="/barrierefreiheit/"' in content
    assert '<label for="id_description">' in content
    assert '<div class="visually-hidden-field" aria-hidden="true">' in content
    assert 'name="homepage"' in content
    assert 'tabindex="-1"' in content
    assert 'autocomplete="off"' in content
    assert "style=" not in content
    # The other pages have no form.
    assert 'name="description"' not in client.get("/impressum/").content.decode()


def test_barrier_report_is_stored_and_mailed(client, legal_pages, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "barrierefreiheit@hattingen.example"
    response = report(
        client,
        page_url="https://quartiersnetz.example/kalender/",
        name="Erika Muster",
        email="erika@example.org",
        wants_reply="on",
    )
    assert response.status_code == 302
    assert response["Location"] == "/barrierefreiheit/"

    stored = BarrierReport.objects.get()
    assert stored.description == "Die Schrift im Kalender ist zu klein."
    assert stored.page_url == "https://quartiersnetz.example/kalender/"
    assert stored.email == "erika@example.org"
    assert stored.wants_reply is True
    assert stored.handled is False

    [message] = mail.outbox
    assert message.to == ["barrierefreiheit@hattingen.example"]
    assert message.reply_to == ["erika@example.org"]
    assert "Die Schrift im Kalender ist zu klein." in message.body
    assert "https://quartiersnetz.example/kalender/" in message.body

    # The thank-you message is shown after the redirect.
    page = client.get("/barrierefreiheit/").content.decode()
    assert 'class="message message-success"' in page


def test_report_without_description_is_refused(client, legal_pages):
    response = client.post("/barrierefreiheit/", {"description": "", "name": "Erika"})
    assert response.status_code == 400
    content = response.content.decode()
    # The error is what the field's aria-describedby names (Django 5.2: <id>_error).
    assert 'id="id_description_error"' in content
    assert re.search(r'<textarea[^>]*aria-describedby="[^"]*id_description_error', content)
    assert 'class="message message-error"' in content
    assert not BarrierReport.objects.exists()
    assert mail.outbox == []


def test_a_reply_needs_an_email_address(client, legal_pages):
    response = report(client, wants_reply="on")
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert not BarrierReport.objects.exists()


def test_filled_trap_pretends_success_but_stores_nothing(client, legal_pages):
    response = report(client, homepage="https://spam.example")
    assert response.status_code == 302
    assert response["Location"] == "/barrierefreiheit/"
    assert not BarrierReport.objects.exists()
    assert mail.outbox == []


def test_sixth_report_within_an_hour_is_refused(client, legal_pages):
    for _number in range(5):
        assert report(client).status_code == 302
    response = report(client)
    assert response.status_code == 429
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "Die Schrift im Kalender ist zu klein.</textarea>" in content
    assert BarrierReport.objects.count() == 5
    assert len(mail.outbox) == 5


def test_other_legal_pages_take_no_reports(client, legal_pages):
    assert client.post("/impressum/", {"description": "x"}).status_code == 405
    assert not BarrierReport.objects.exists()


def test_editors_read_reports_in_the_editorial_office_and_mark_them_handled(client):
    open_report = BarrierReport.objects.create(description="Kontrast der Schaltflächen zu gering")
    BarrierReport.objects.create(description="Formular ohne Beschriftung", handled=True)
    client.force_login(UserFactory(is_editor=True, is_staff=True))

    changelist = reverse("admin:core_barrierreport_changelist")
    content = client.get(changelist + "?handled__exact=0").content.decode()
    assert "Kontrast der Schaltflächen zu gering" in content
    assert "Formular ohne Beschriftung" not in content

    response = client.post(
        reverse("admin:core_barrierreport_change", args=[open_report.pk]), {"handled": "on"}
    )
    assert response.status_code == 302
    open_report.refresh_from_db()
    assert open_report.handled
    assert open_report.description == "Kontrast der Schaltflächen zu gering"


def test_staff_without_the_editor_role_see_no_reports(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:core_barrierreport_changelist"))
    assert response.status_code == 403
