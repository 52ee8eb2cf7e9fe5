"""From curated data to build/: the pipeline, inference, serialization, the store, the swap."""
