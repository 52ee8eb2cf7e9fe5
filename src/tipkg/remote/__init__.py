"""Remote SPARQL stores: querying, publishing, Wikidata links."""
