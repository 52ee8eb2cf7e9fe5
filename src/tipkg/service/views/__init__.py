"""The site: server-rendered HTML pages over the graph, one module per page family, each a thin
layer over the library, over the request plumbing of :mod:`.plumbing` and the cells of :mod:`.cells`.

- :mod:`.home` ``/``: what the graph holds, and a search by name (accents and case aside)
- :mod:`.queries` ``/queries``, ``/queries/NAME`` (also ``.json``, ``.csv``, ``.tsv``): the saved
  queries, a form from each one's parameters, its result with labels and evidence, and its view
  (bar chart, timeline); the SPARQL editor's page
- :mod:`.entities` ``/id/...``: an entity at its own IRI's path: HTML, or Turtle / N-Triples /
  JSON-LD / RDF/XML by ``Accept`` (Linked Data)
- :mod:`.sources` ``/sources/ID``: a source's full text, each cited sentence marked and linked to its
  facts (cut into pieces by :mod:`.segments`); :mod:`.comparisons` ``/sources/`` and
  ``/sources/A/compare/B``: the reports side by side
- :mod:`.network` ``/views/FILE``, ``/queries/NAME/graph``: the interactive network pages of
  :mod:`tipkg.viz.views`
- :mod:`.dataset` ``/dataset``, ``/.well-known/void``: the VoID and DCAT description;
  ``/downloads/FILE``: dumps

Pages load nothing from the network and need no JavaScript, except the network views. Every text
from the graph is escaped (Jinja autoescape).
"""
