"""PDF versions of conference documents (invitation with agenda, minutes) with WeasyPrint.

Nothing is fetched from elsewhere: static files are read from disk, every other address
is refused, and the fonts are the system's DejaVu fonts.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

# The print stylesheet of every conference PDF (a template, so it is packaged with them).
STYLESHEET = "conferences/pdf.css"


def _base_url(request):
    if request is not None:
        return request.build_absolute_uri("/")
    return f"{settings.SITE_URL}/"


def _local_files_only(base_url):
    """A WeasyPrint URL fetcher that serves this site's static files from disk and
    refuses everything else (no request leaves the machine)."""
    from weasyprint.urls import URLFetcher

    host = urlsplit(base_url).netloc

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            static = settings.STATIC_URL
            if (
                parts.scheme in ("http", "https")
                and parts.netloc == host
                and parts.path.startswith(static)
            ):
                found = finders.find(parts.path[len(static) :])
                if found:
                    return super().fetch(Path(found).as_uri(), headers)
            raise ValueError(f"Not loaded into a PDF: {url}")

    return LocalFetcher(allowed_protocols={"data", "file"})


class PdfUnavailable(Exception):
    """WeasyPrint or its native libraries (Pango) are missing on this machine."""


def render_pdf(template_name, context, request=None):
    """The template rendered to HTML and printed to PDF; returns the PDF's bytes."""
    # WeasyPrint loads its native libraries on import: only when a PDF is made.
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error

    html = render_to_string(template_name, context, request=request)
    base_url = _base_url(request)
    document = weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=_local_files_only(base_url)
    )
    stylesheet = weasyprint.CSS(string=render_to_string(STYLESHEET), base_url=base_url)
    return document.write_pdf(stylesheets=[stylesheet])


def pdf_response(request, template_name, context, filename):
    """The PDF as an inline download for the person who asked; without WeasyPrint's
    libraries a 503 page that points to the HTML version instead."""
    try:
        pdf = render_pdf(template_name, context, request)
    except PdfUnavailable:
        return render(request, "conferences/pdf_unavailable.html", context, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response
