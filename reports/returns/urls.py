from django.urls import path, register_converter

from reports.returns import views


class FileFormat:
    regex = "xlsx|csv"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FileFormat, "fileformat")

app_name = "returns"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("<str:quarter>/", views.round_detail, name="round_detail"),
    path("<str:quarter>/return.<fileformat:file_format>", views.round_download, name="round_download"),
    path("<str:quarter>/<str:bd_code>/", views.bd_return, name="bd_return"),
    path(
        "<str:quarter>/<str:bd_code>/return.<fileformat:file_format>",
        views.bd_return_download,
        name="bd_return_download",
    ),
]
