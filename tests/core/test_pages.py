import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from quartiersnetz.core.models import SiteSettings
from tests.factories import DistrictFactory, EventFactory, OrganizationFactory
from tests.helpers import german

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_pages():
    """Every public HTML page of the calendar, with data to show."""
    event = EventFactory(title="Stammtisch", organizers=[OrganizationFactory()])
    district = event.place.district
    organization = event.organizers.get()
    return [
        reverse("events:home"),
        reverse("events:agenda") + "?from=2026-12-01",
        reverse("events:month") + "?month=2026-12",
        reverse("events:week") + "?week=2026-12-01",
        reverse("events:week-print") + "?week=2026-12-01",
        event.get_absolute_url(),
        reverse("events:districts"),
        district.get_absolute_url(),
        reverse("events:organizations"),
        organization.get_absolute_url(),
        reverse("events:agenda") + "?from=2026-13-45",
        "/gibt-es-nicht/",
    ]


def test_pages_have_landmarks_a_skip_link_and_the_language(client, public_pages):
    for url in public_pages:
        content = client.get(url).content.decode()
        assert '<html lang="de">' in content, url
        assert '<a class="skip-link" href="#main">' in content, url
        assert '<main id="main"' in content, url
        assert content.count("<h1") == 1, url
        if "druck" not in url:
            assert "<header" in content, url
            assert "<footer" in content, url
            assert '<nav class="site-nav"' in content, url


def test_pages_have_no_inline_script_or_style(client, public_pages):
    for url in public_pages:
        response = client.get(url)
        content = response.content.decode()
        assert "style=" not in content, url
        assert "<style" not in content, url
        assert not re.search(r"\son[a-z]+=", content), url
        for tag in re.findall(r"<script\b[^>]*>", content):
            assert 'src="/static/' in tag or 'type="application/ld+json"' in tag, (url, tag)
        # Nothing is loaded from another host.
        assert not re.search(
            r'(src|href)="(https?:)?//(?!testserver)[^"]*\.(js|css|woff2?)', content
        )
        assert "script-src 'self'" in response["Content-Security-Policy"], url


def test_htmx_is_served_locally_without_indicator_styles(client):
    content = client.get(reverse("events:agenda")).content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer></script>', content)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', content).group(1)
    assert '"includeIndicatorStyles":false' in config


def test_language_switcher_posts_to_set_language_and_english_is_complete(client):
    content = client.get(reverse("events:agenda") + "?q=Chor").content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', content, re.S).group(0)
    assert 'action="/i18n/setlang/" method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/kalender/?q=Chor"' in form
    assert 'name="language" value="de"' in form
    assert 'name="language" value="en"' in form

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/kalender/?q=Chor"})
    assert response.status_code == 302
    assert response["Location"] == "/kalender/?q=Chor"

    english = client.get("/kalender/?q=Chor").content.decode()
    assert '<html lang="en">' in english
    assert "Skip to content" in english
    assert "Filter events" in english
    assert 'aria-current="true">English</button>' in english


def test_english_dates_are_written_in_english(client):
    EventFactory(title="Konzert")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get(reverse("events:agenda") + "?from=2026-12-01").content.decode()
    assert "Tuesday 1 December 2026" in content


def test_german_dates_are_written_in_german(client):
    EventFactory(title="Konzert")
    content = client.get(reverse("events:agenda") + "?from=2026-12-01").content.decode()
    assert "Dienstag, 1. Dezember 2026" in content


def test_demo_notice_is_shown_only_when_switched_on(client):
    notice = german("Demo data: all events on this page are examples.")
    assert notice not in client.get(reverse("events:home")).content.decode()

    settings = SiteSettings.load()
    settings.demo_notice = True
    settings.save()
    content = client.get(reverse("events:home")).content.decode()
    assert f'<p class="demo-notice" role="note">{notice}</p>' in content


def test_current_page_is_marked_in_the_navigation(client):
    content = client.get(reverse("events:month")).content.decode()
    assert '<a href="/kalender/monat/" aria-current="page">' in content
    assert '<a href="/kalender/" aria-current="page">' not in content


def test_unknown_address_gets_the_404_page(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    content = response.content.decode()
    assert german("Page not found") in content
    assert 'href="/kalender/"' in content


def test_bad_request_page_explains_without_leaking_details(client):
    # A request for a host this site does not serve reaches Django's handler400.
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'role="alert"' in content
    assert german("This request could not be understood") in content
    assert "evil.example" not in content


def test_server_error_page_renders_without_a_request():
    content = render_to_string("500.html")
    assert "<h1>" in content
    assert "/static/core/site.css" in content


def test_district_and_organisation_lists_need_no_data(client):
    assert client.get(reverse("events:districts")).status_code == 200
    DistrictFactory()
    assert client.get(reverse("events:organizations")).status_code == 200


# --- The stylesheet ------------------------------------------------------------------


def stylesheet():
    path = finders.find("core/site.css")
    assert path, "core/site.css is not found by the static files finders"
    return Path(path).read_text()


def test_stylesheet_is_served_from_this_host(client):
    response = client.get("/static/core/site.css")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"font-size" in body


def test_stylesheet_uses_no_web_fonts_or_foreign_resources():
    css = stylesheet()
    assert "@font-face" not in css
    assert "@import" not in css
    assert not re.search(r"url\(", css)


def test_base_font_is_large_with_generous_line_height():
    css = stylesheet()
    body = re.search(r"\nbody \{(.*?)\}", css, re.S).group(1)
    size = float(re.search(r"font-size: ([\d.]+)rem", body).group(1))
    line_height = float(re.search(r"line-height: ([\d.]+);", body).group(1))
    assert size >= 1.125
    assert line_height >= 1.5


def test_every_interactive_element_has_a_visible_focus_style():
    css = stylesheet()
    rule = re.search(r"((?:[a-z\[\]=\"-]+:focus-visible,?\s*)+)\{([^}]*)\}", css)
    selectors, declarations = rule.group(1), rule.group(2)
    for element in ("a", "button", "input", "select", "textarea", "summary"):
        assert f"{element}:focus-visible" in selectors
    assert "outline: 3px solid" in declarations
    assert "outline: none" not in css.replace("main:focus { outline: none; }", "")


def test_stylesheet_has_print_and_narrow_screen_rules():
    css = stylesheet()
    assert "@media print" in css
    assert "@media (max-width: 40em)" in css
    narrow = css[css.index("@media (max-width: 40em)") :]
    assert ".month td" in narrow


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    ("foreground", "background"),
    [
        ("--text", "--background"),
        ("--muted", "--background"),
        ("--muted", "--surface"),
        ("--link", "--background"),
        ("--link", "--surface"),
        ("--link-visited", "--background"),
        ("--text", "--notice"),
        ("#ffffff", "--accent"),
        ("#ffffff", "--cancelled"),
        ("#ffffff", "--moved"),
        ("--cancelled", "--background"),
    ],
)
def test_text_colours_meet_wcag_aa_contrast(foreground, background):
    variables = dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-f]{6})", stylesheet()))

    def colour(name):
        return variables[name] if name.startswith("--") else name

    assert contrast(colour(foreground), colour(background)) >= 4.5
