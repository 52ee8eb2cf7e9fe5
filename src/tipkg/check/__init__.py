"""Checks of a project: SHACL shapes, OWL consistency, ontology lint, their findings."""
