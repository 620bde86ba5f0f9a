"""Machine clients' routes: the versioned JSON API under ``api/v1/`` and Open311 GeoReport v2 under ``open311/``.
congress/urls.py mounts ``patterns`` at the site root."""

patterns: list = []

__all__ = ["patterns"]
