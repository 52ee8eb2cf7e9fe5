"""The HTTP service: a read-only SPARQL 1.1 endpoint and a browsable site over a built graph.

``tipkg serve`` runs :func:`tipkg.service.app.create_app` on uvicorn. The layers:

- :mod:`~tipkg.service.settings`: the settings, declared as data with safe defaults
- :mod:`~tipkg.service.app`: the ASGI app factory, its routes, CORS and security headers
- :mod:`~tipkg.service.context`: what a running service holds (graph, worker pool, caches)
- :mod:`tipkg.sparql.guard`: what a query may do, decided on
  the parse of the canonical text that then runs (no SERVICE outside an allow-list, no LOAD, no
  FROM naming a graph the store does not hold, no update)
- :mod:`~tipkg.service.workers`: the pool of worker processes that run queries, killed at the time limit
- :mod:`~tipkg.service.worker`: one worker process, from start to end
- :mod:`~tipkg.service.jobs`: what the workers run (a protocol request, a saved query)
- :mod:`~tipkg.service.formats`: answer formats and content negotiation
- :mod:`~tipkg.service.protocol`: the SPARQL 1.1 Protocol at ``/sparql``
- :mod:`~tipkg.service.views`: the HTML pages, one module per family (home, saved queries, entities,
  sources, comparisons, network views, dataset), over shared request plumbing
- :mod:`~tipkg.service.charts`: bar charts and timelines as inline SVG
- :mod:`~tipkg.service.dataset`: the VoID and DCAT description of the dataset
"""
