from django.urls import path

from . import views

# Included in the ``staff`` namespace: the lists that export are the office's.
staff_patterns = [
    path("exports/<uuid:pk>/", views.export_job, name="export_job"),
    path("exports/<uuid:pk>/status/", views.export_job_status, name="export_job_status"),
    path("exports/<uuid:pk>/file/", views.export_job_file, name="export_job_file"),
    path("autocomplete/<slug:source>/", views.autocomplete_search, name="autocomplete"),
]
