"""Small, single-purpose widgets assembled by :mod:`app.main_window`."""
