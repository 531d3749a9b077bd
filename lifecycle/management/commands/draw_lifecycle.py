"""Draw the lifecycle state machine from the transitions declared on the project's stage field.

Like django-fsm's ``graph_transitions``, but dynamic targets are resolved per source stage
(``advance`` goes to the next stage only, ``rework`` to earlier ones), so the picture shows
exactly the moves the code allows.
"""

from pathlib import Path

import graphviz
from django.core.management.base import BaseCommand
from django.utils import translation
from django_fsm import RETURN_VALUE, State

from adoption.models import Project
from lifecycle.stages import COLOURS, LIFECYCLE_STAGES, TERMINAL_STAGES, Stage, earlier_stages, next_stage

TRANSITION_STYLE = {
    "advance": {"color": "#2f6b2f", "penwidth": "2.5", "weight": "20"},
    "start_operation": {"color": "#2f6b2f", "penwidth": "2"},
    "rework": {"color": "#9a5b13", "style": "dashed", "constraint": "false"},
    "hold": {"color": "#5c6670", "constraint": "false"},
    "resume": {"color": "#5c6670", "style": "dashed", "constraint": "false"},
    "cancel": {"color": "#8a2c2c", "constraint": "false"},
    "retire": {"color": "#3b3b3b"},
}


def targets(transition) -> list[str]:
    """The stages a transition can reach from its source."""
    if transition.name == "advance":
        return [next_stage(transition.source)]
    if transition.name == "rework":
        return list(earlier_stages(transition.source))
    if transition.target is None:
        return [transition.source]
    if isinstance(transition.target, RETURN_VALUE):
        return list(transition.target.allowed_states)
    if isinstance(transition.target, State):
        return list(transition.target.allowed_states)
    return [transition.target]


def lifecycle_graph() -> graphviz.Digraph:
    field = Project._meta.get_field("stage")
    graph = graphviz.Digraph(
        "lifecycle", graph_attr={"rankdir": "TB", "fontname": "Noto Sans", "nodesep": "1.2", "ranksep": "0.6"}
    )
    graph.attr("node", fontname="Noto Sans", fontsize="11", style="filled", fontcolor="white")
    graph.attr("edge", fontname="Noto Sans", fontsize="9")
    with translation.override("en"):
        for stage in Stage:
            number = f"{LIFECYCLE_STAGES.index(stage) + 1}. " if stage in LIFECYCLE_STAGES else ""
            shape = "doubleoctagon" if stage in TERMINAL_STAGES else "box"
            graph.node(stage.value, f"{number}{stage.label}", shape=shape, fillcolor=COLOURS[stage])
    # The side states sit beside stage 3, so their many edges stay short.
    with graph.subgraph() as row:
        row.attr(rank="same")
        for stage in (Stage.ON_HOLD, Stage.VENDOR_SELECTION, Stage.CANCELLED):
            row.node(stage.value)
    seen = set()
    for transition in sorted(field.get_all_transitions(Project), key=lambda t: (t.name, str(t.source))):
        for target in targets(transition):
            edge = (transition.source, target, transition.name)
            if edge in seen:
                continue
            seen.add(edge)
            label = "operational-readiness gate" if transition.name == "start_operation" else transition.name
            graph.edge(transition.source, target, label=label, **TRANSITION_STYLE.get(transition.name, {}))
    return graph


class Command(BaseCommand):
    help = "Write the lifecycle state machine as an SVG (and its DOT source) from the code."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="docs/lifecycle.svg")

    def handle(self, *args, output, **options):
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        graph = lifecycle_graph()
        path.with_suffix(".dot").write_text(graph.source, encoding="utf-8")
        path.write_bytes(graph.pipe(format="svg"))
        self.stdout.write(f"Wrote {path} and {path.with_suffix('.dot')}")
