"""The graph as a network: reading it from the store, subgraphs, analysis."""
