from django import template

register = template.Library()


@register.inclusion_tag("reports/includes/reuse_panel_loader.html")
def reuse_panel(project):
    """The panel "Other B/Ds doing this" on a project page: ``{% load reuse %}{% reuse_panel project %}``.

    The page shows the panel's heading and a link at once; htmx then loads the panel itself
    (``reports:reuse_panel``), so the project page costs no query for it.
    """
    return {"project": project}
