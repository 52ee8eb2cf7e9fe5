"""Interactive network pages: views (which page shows what), info (nodes and edges), vis (vis.js options
and positions), html (the page), files (writing them), layout, style, Chromium."""
