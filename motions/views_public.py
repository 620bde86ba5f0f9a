"""The public list of decided motions (议案审议结果公示): what the presidium decided on each, and why."""

from django.shortcuts import render

from core.pagination import paginate

from . import selectors


def motions(request):
    return render(request, "public/motions/list.html", {"page": paginate(request, selectors.published(request.GET))})


def motion(request, pk):
    return render(request, "public/motions/detail.html", {"motion": selectors.public_detail(pk)})
