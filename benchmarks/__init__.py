"""How tipkg scales (``python -m benchmarks``; the report is docs/benchmarks.md).

- ``generate``: synthetic projects of N reports in the shape of the curated one;
- ``build``: ``tipkg build`` as a child process (time, memory, phases) and the store's load rate;
- ``queries``: every saved query on tipkg's path, the raw pyoxigraph floor and rdflib's engine;
- ``service``, ``views``, ``startup``: ``tipkg serve`` under load, network pages in Chromium, cold starts;
- ``timing``: repeated runs in a child process killed at a time limit; ``report``: the JSON and the tables.
"""
