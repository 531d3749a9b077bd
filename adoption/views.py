from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST

from adoption.models import Project


@login_required
def project_list(request):
    projects = Project.objects.restrict(request.user).select_related("bd").order_by("-updated_at", "-id")
    page = Paginator(projects, 25).get_page(request.GET.get("page"))
    return render(request, "adoption/project_list.html", {"page": page})


@login_required
def project_detail(request, pk: int):
    project = get_object_or_404(Project.objects.restrict(request.user).select_related("bd"), pk=pk)
    return render(request, "adoption/project_detail.html", {"project": project})


@require_POST
def set_language(request):
    """Switch language; a signed-in user's choice is saved on their account too."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        if request.user.is_authenticated and request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
        )
    return response
