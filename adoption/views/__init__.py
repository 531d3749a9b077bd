"""Pages of the project register: the list, new and edit forms, the risk screening, the project page."""

from adoption.views.language import set_language
from adoption.views.projects import (
    project_create,
    project_detail,
    project_edit,
    project_list,
    project_screening,
)

__all__ = ["project_create", "project_detail", "project_edit", "project_list", "project_screening", "set_language"]
