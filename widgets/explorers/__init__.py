"""Explorers: the views that put the models in front of readers (live and static)."""

from .attachment import AttachmentExplorer
from .attention import AttentionExplorer
from .faces import FacesExplorer
from .framework import Control, Explorer, Line, Panel, building_static_site
from .hormesis import HormesisExplorer
from .literature import LiteratureExplorer
from .paths import PathsExplorer
from .real_studies import StudyPowerExplorer
from .service_trace import ServiceTraceExplorer
from .tom_and_mary import TomAndMaryExplorer

#: Every explorer in the book; tests and benchmarks iterate over this.
ALL_EXPLORERS = (HormesisExplorer, FacesExplorer, TomAndMaryExplorer, AttentionExplorer,
                 AttachmentExplorer, ServiceTraceExplorer, LiteratureExplorer, PathsExplorer,
                 StudyPowerExplorer)

#: Where each explorer is tested in the built site (its chapter, else the gallery).
#: Every explorer also appears on the gallery page.
EXPLORER_PAGES = {
    "hormesis": "chapters/hormesis.html",
    # Named before its chapter was split off chapters/reading-faces (issue 23); the name is
    # the permalink anchor, kept so that old links to a setting still work.
    "reading-faces": "chapters/faces-side-by-side.html",
    "forming-face": "chapters/reading-faces.html",
    "tom-and-mary": "chapters/tom-and-mary.html",
    "attention-budget": "chapters/attention.html",
    "attachment-plane": "chapters/attachment.html",
    "one-service": "chapters/tom-and-mary.html",
    "literature": "chapters/evidence.html",
    "study-power": "chapters/real-studies.html",
}

__all__ = [
    "ALL_EXPLORERS",
    "EXPLORER_PAGES",
    "Control",
    "Explorer",
    "Line",
    "Panel",
    "building_static_site",
    "AttachmentExplorer",
    "AttentionExplorer",
    "FacesExplorer",
    "HormesisExplorer",
    "LiteratureExplorer",
    "PathsExplorer",
    "ServiceTraceExplorer",
    "StudyPowerExplorer",
    "TomAndMaryExplorer",
]
