"""SPARQL text and its decisions: the guard, saved queries, results, parameters."""
