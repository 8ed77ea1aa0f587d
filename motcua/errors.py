"""Error pages that tell people what happened and what to do.

``PublicNotFound`` is a 404 whose message is written for the person reading it ("Không tìm thấy
hồ sơ … trong tài khoản của bạn"). Django's own 404s (unknown URL, ``get_object_or_404``) carry
English developer text, so the page shows their message only for this class.
"""

from django.http import Http404
from django.shortcuts import render


class PublicNotFound(Http404):
    pass


def not_found(request, exception=None):
    message = str(exception) if isinstance(exception, PublicNotFound) else ""
    return render(request, "404.html", {"message": message}, status=404)


def forbidden(request, exception=None):
    message = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def server_error(request):
    return render(request, "500.html", status=500)
