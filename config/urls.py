from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from adoption.views import set_language

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="adoption:project_list"), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set_language"),
    path("projects/", include("adoption.urls")),
    path("returns/", include("reports.returns.urls")),
    path("import/", include("reports.inventory.urls")),
    path("", include("lifecycle.urls")),
    path("dashboard/", include("reports.urls")),
    path("reports/", include("reports.runs.urls")),
    path("admin/", admin.site.urls),
]
