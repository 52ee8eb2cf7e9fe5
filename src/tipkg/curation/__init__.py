"""Curated data: records, sources, the ontology as a schema, the loader, coverage."""
