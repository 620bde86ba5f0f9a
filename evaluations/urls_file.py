"""URL patterns for the evaluations app's file pages (collected by evaluations/urls.py)."""

deputy_patterns = []
staff_patterns = []
