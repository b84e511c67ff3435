"""Views shared by the whole site: health check, error pages and the legal pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from quartiersnetz.core import legal, ratelimit
from quartiersnetz.core.forms import BarrierReportForm, LegalPageForm
from quartiersnetz.core.models import LegalPage


@never_cache
def healthz(request):
    """Tells a load balancer whether this process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request, exception=None):
    # The exception's text is for the log, not for the visitor.
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def _legal_page_response(request, page, report_form=None, status=200, rate_limited=False):
    context = {
        "page": page,
        "can_edit": request.user.has_perm("core.edit_legal_pages"),
        "edit_url_name": f"core:{page.kind}-edit",
    }
    if page.kind == LegalPage.Kind.ACCESSIBILITY:
        context.update(
            report_form=report_form or BarrierReportForm(),
            rate_limited=rate_limited,
        )
    return render(request, "core/legal_page.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def legal_page(request, kind):
    page = get_object_or_404(LegalPage, kind=kind)
    if request.method != "POST":
        return _legal_page_response(request, page)
    if kind != LegalPage.Kind.ACCESSIBILITY:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _report_barrier(request, page)


def _report_barrier(request, page):
    """The feedback mechanism of the accessibility statement (BGG NRW)."""
    thanks = _("Thank you for your report. We will look into the barrier.")
    if not legal.barrier_report_allowed(ratelimit.client_address(request)):
        # The text stays in the form so that the person can keep it for later.
        kept = BarrierReportForm(initial={"description": request.POST.get("description", "")})
        return _legal_page_response(request, page, report_form=kept, status=429, rate_limited=True)
    form = BarrierReportForm(request.POST)
    if request.POST.get("homepage"):
        # A bot filled the hidden trap: it is told what a person would be told.
        messages.success(request, thanks)
        return redirect(page)
    if not form.is_valid():
        messages.error(request, _("Your report was not sent: please correct the marked fields."))
        return _legal_page_response(request, page, report_form=form, status=400)
    legal.submit_barrier_report(
        **{name: form.cleaned_data[name] for name in BarrierReportForm.Meta.fields}
    )
    messages.success(request, thanks)
    return redirect(page)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_legal_page(request, kind):
    if not request.user.has_perm("core.edit_legal_pages"):
        raise PermissionDenied
    page = get_object_or_404(LegalPage, kind=kind)
    # Not bound to the page: an invalid form must not change the title shown above it.
    form = LegalPageForm(
        request.POST if request.method == "POST" else None,
        initial={"title": page.title, "body": page.body},
    )
    if form.is_bound and form.is_valid():
        legal.update_legal_page(
            page,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            user=request.user,
        )
        messages.success(request, _("The page has been saved."))
        return redirect(page)
    status = 400 if form.is_bound else 200
    return render(request, "core/legal_page_form.html", {"page": page, "form": form}, status=status)
