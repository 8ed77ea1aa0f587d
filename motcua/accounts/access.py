"""Who may reach which pages: the decorators every staff view asks.

The scope rule itself (which dossiers, communes and centres a person sees) is in
``motcua.accounts.scoping``.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from motcua.accounts.scoping import is_staff_officer


def staff_required(view):
    """Signed-in officers only: anonymous visitors go to the login page, residents' and
    role-less accounts get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff_officer(request.user):
            raise PermissionDenied(_("Trang này dành cho cán bộ."))
        return view(request, *args, **kwargs)

    return wrapped
