"""URL patterns for the evaluations app's dashboard pages (collected by evaluations/urls.py)."""

deputy_patterns = []
staff_patterns = []
