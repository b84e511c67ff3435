"""Cooperation projects: the public list and page, creating and editing a project."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quartiersnetz.conferences.domain import projects as domain
from quartiersnetz.conferences.forms_projects import ProjectFilterForm, ProjectForm
from quartiersnetz.conferences.models import Project

CREATE = "conferences.create_project"
EDIT = "conferences.edit_project"
# The button that shows the events, concerns and meetings that fit the partners,
# districts and conferences chosen, without saving.
REFRESH = "refresh"
# The fields whose choices depend on others; kept as chosen when the form is refreshed.
MULTIPLE = ("conferences", "partners", "districts", "events", "concerns", "meetings")


def project_list(request):
    filter_form = ProjectFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {}
    return render(
        request,
        "conferences/project_list.html",
        {
            "projects": list(domain.public_projects(**filters)),
            "filter_form": filter_form,
            "filtered": bool(filters),
            "can_create": request.user.has_perm(CREATE),
        },
    )


def project_detail(request, slug):
    project = get_object_or_404(Project, slug=slug)
    return render(
        request,
        "conferences/project_detail.html",
        {
            "project": project,
            "partners": list(project.partners.order_by("name")),
            "districts": list(project.districts.order_by("name")),
            "conferences": list(project.conferences.filter(is_active=True)),
            "events": list(domain.upcoming_events(project)),
            "concerns": list(domain.public_concerns(project)),
            "meetings": list(domain.public_meetings(project)),
            "can_edit": request.user.has_perm(EDIT, project),
        },
    )


def _refreshed(request, instance):
    """The form again with what was typed, unsaved and without error messages."""
    initial = {name: request.POST.getlist(name) for name in MULTIPLE}
    for name in ("title", "slug", "status", "start_date", "end_date", "description"):
        if name in request.POST:
            initial[name] = request.POST[name]
    return ProjectForm(initial=initial, instance=instance, user=request.user)


def _project_form(request, project):
    """GET: the empty or filled-in form. POST: save, or show the form again."""
    # A copy: the page keeps the saved title and address while the form is corrected.
    instance = copy.copy(project) if project is not None else Project()
    if request.method == "POST" and REFRESH in request.POST:
        return _refreshed(request, instance), None
    form = ProjectForm(request.POST or None, instance=instance, user=request.user)
    if request.method != "POST" or not form.is_valid():
        return form, None
    try:
        return form, domain.save_project(form, request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return form, None


def _render_form(request, form, project):
    return render(
        request,
        "conferences/project_form.html",
        {"form": form, "project": project, "refresh": REFRESH},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    if not request.user.has_perm(CREATE):
        raise PermissionDenied
    form, saved = _project_form(request, None)
    if saved is not None:
        messages.success(request, _("The project has been created."))
        return redirect(saved)
    return _render_form(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, slug):
    project = get_object_or_404(Project, slug=slug)
    if not request.user.has_perm(EDIT, project):
        raise PermissionDenied
    form, saved = _project_form(request, project)
    if saved is not None:
        messages.success(request, _("The changes have been saved."))
        return redirect(saved)
    return _render_form(request, form, project)
