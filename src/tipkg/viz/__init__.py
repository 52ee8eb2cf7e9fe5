"""Interactive network pages: views, layout, style, Chromium."""
