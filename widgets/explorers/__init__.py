"""Explorers: the views that put the models in front of readers (live and static)."""

from .framework import Control, Explorer, Line, Panel, building_static_site
from .hormesis import HormesisExplorer

__all__ = [
    "Control",
    "Explorer",
    "Line",
    "Panel",
    "building_static_site",
    "HormesisExplorer",
]
