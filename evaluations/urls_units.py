"""URL patterns for the evaluations app's units pages (collected by evaluations/urls.py)."""

deputy_patterns = []
staff_patterns = []
