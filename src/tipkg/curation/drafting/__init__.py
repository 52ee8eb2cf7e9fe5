"""Drafting records from a report's text: the values it states, the entities it names, proposals for review."""
