"""From curated data to build/: the pipeline, inference, canonical serialization, the swap (the store
itself is written by :mod:`tipkg.engines.oxigraph`)."""
