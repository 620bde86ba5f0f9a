"""URL patterns for the public pages of the liaison stations app (mounted by congress/urls.py)."""

patterns = []
