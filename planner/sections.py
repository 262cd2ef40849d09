"""Registries through which domain packages add to shared pages without editing them.

- ``add_section(endpoint, label, order)``: a tab in the institute navigation (organizer pages).
- ``panel(place, template, order)``: decorates ``context(obj) -> dict | None`` and adds a panel
  to a shared page. Places and the object their context gets:
  ``"dashboard"`` (institute), ``"invitee"`` (organizer's page of one invitee: invitee),
  ``"me"`` (the invitee's own page at /me/: invitee).
  A context returning None hides the panel. The template sees the dict as ``panel``.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: object  # a lazy string
    order: int


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable
    order: int


SECTIONS: list[Section] = []
PANELS: dict[str, list[Panel]] = defaultdict(list)


def add_section(endpoint: str, label, order: int) -> None:
    if all(s.endpoint != endpoint for s in SECTIONS):
        SECTIONS.append(Section(endpoint, label, order))
        SECTIONS.sort(key=lambda s: s.order)


def panel(place: str, template: str, order: int):
    def decorator(func):
        panels = PANELS[place]
        if all(p.template != template for p in panels):
            panels.append(Panel(template, func, order))
            panels.sort(key=lambda p: p.order)
        return func

    return decorator


def render_panels(place: str, obj) -> list[tuple[str, dict]]:
    """(template, context) of every panel of the place that has something to show."""
    rendered = []
    for p in PANELS[place]:
        context = p.context(obj)
        if context is not None:
            rendered.append((p.template, context))
    return rendered
