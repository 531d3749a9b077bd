from django.urls import path

from reports.runs import views

app_name = "report_runs"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("new/", views.run_request, name="run_request"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/status/", views.run_status, name="run_status"),
    path("<int:pk>/download/", views.run_download, name="run_download"),
]
