"""How the network pages look: the style of a class the ontology gives none, and relation colours
(colours and shapes by class come from the ontology, the pages' words from :mod:`tipkg.messages`)."""

from __future__ import annotations

# Colour and shape of a class the ontology gives none (tipkg:displayColor, tipkg:displayShape)
DEFAULT_STYLE = ("#95a5a6", "dot")
RELATION_COLORS = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#2f4b7c",
    "#a05195",
)
ROLE_COLORS = {"coordinator": "#b03a2e", "member": "#2f6fb3", "guest": "#8a939b", "funding": "#c9a227", "run-by": "#9aa3ad"}
