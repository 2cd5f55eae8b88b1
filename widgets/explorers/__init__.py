"""Explorers: the views that put the models in front of readers (live and static)."""

from .framework import Control, Explorer, Line, Panel, building_static_site
from .hormesis import HormesisExplorer

#: Every explorer in the book; tests and benchmarks iterate over this.
ALL_EXPLORERS = (HormesisExplorer,)

#: Where each explorer is shown in the built site (its chapter, else the gallery).
EXPLORER_PAGES = {
    "hormesis": "chapters/hormesis.html",
}

__all__ = [
    "ALL_EXPLORERS",
    "EXPLORER_PAGES",
    "Control",
    "Explorer",
    "Line",
    "Panel",
    "building_static_site",
    "HormesisExplorer",
]
