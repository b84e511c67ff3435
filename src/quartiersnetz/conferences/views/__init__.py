"""Pages of the conferences: one module per part (see urls.py)."""
