from django.urls import path

from reports.inventory import views
from reports.returns.urls import FileFormat  # noqa: F401  (registers the "fileformat" converter)

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("inventory.<fileformat:file_format>", views.inventory, name="inventory"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/import/", views.confirm, name="confirm"),
]
