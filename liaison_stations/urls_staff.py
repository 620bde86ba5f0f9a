"""URL patterns for the staff pages of the liaison stations app (mounted by congress/urls.py)."""

patterns = []
