"""Template tags of the conferences."""
