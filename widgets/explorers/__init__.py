"""Explorers: the views that put the models in front of readers (live and static)."""

from .faces import FacesExplorer
from .framework import Control, Explorer, Line, Panel, building_static_site
from .hormesis import HormesisExplorer
from .tom_and_mary import TomAndMaryExplorer

#: Every explorer in the book; tests and benchmarks iterate over this.
ALL_EXPLORERS = (HormesisExplorer, FacesExplorer, TomAndMaryExplorer)

#: Where each explorer is tested in the built site (its chapter, else the gallery).
#: Every explorer also appears on the gallery page.
EXPLORER_PAGES = {
    "hormesis": "chapters/hormesis.html",
    "reading-faces": "chapters/explorer-gallery.html",
    "tom-and-mary": "chapters/explorer-gallery.html",
}

__all__ = [
    "ALL_EXPLORERS",
    "EXPLORER_PAGES",
    "Control",
    "Explorer",
    "Line",
    "Panel",
    "building_static_site",
    "FacesExplorer",
    "HormesisExplorer",
    "TomAndMaryExplorer",
]
