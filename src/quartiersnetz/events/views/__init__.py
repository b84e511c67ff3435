"""The events app's pages: the public calendar, the organisers' pages and the editors' review."""
