from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reuse/", views.reuse, name="reuse"),
    path("reuse/projects/<int:pk>/", views.reuse_panel, name="reuse_panel"),
]
