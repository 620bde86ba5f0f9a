"""QR codes for deputy cards and station posters, as SVG (sharp at any print size, no image library)."""

import io

import segno
from django.http import HttpResponse


def qr_svg_response(url: str) -> HttpResponse:
    """A standalone SVG document: unlike segno's inline markup it carries xmlns, so <img> can draw it."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def qr_svg_inline(url: str, scale: int = 3) -> str:
    """SVG markup to embed directly in a page (printed cards)."""
    return segno.make(url, error="m").svg_inline(scale=scale, border=1)
