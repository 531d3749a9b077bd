from django import template

from reports.reuse import reuse_for_project

register = template.Library()


@register.inclusion_tag("reports/includes/reuse_panel.html", takes_context=True)
def reuse_panel(context, project):
    """ "Other B/Ds doing this" for a project page: ``{% load reuse %}{% reuse_panel project %}``."""
    return {"project": project, "reuses": reuse_for_project(user=context["request"].user, project=project)}
