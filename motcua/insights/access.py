"""Who may see a commune's statistics (dashboard, step bottlenecks, dossier lists behind figures).

The rule, in one place (the commune/province scope of ``accounts.scoping`` applied to insights):

- a commune **leader** or **commune admin** sees their own commune only; naming another commune
  in ``?commune=`` is refused, naming their own is allowed;
- a **province monitor** sees any commune of their province, named by ``?commune=<code>``;
- a **superuser** sees any commune, named by ``?commune=<code>`` (or their own, if they have one);
- everybody else (reception, specialist, volunteer, anonymous) sees none.

Refusals answer 404, never 403, so a commune's statistics do not reveal that it exists.
Anonymous visitors should never reach this: put ``login_required`` on the view so they are sent
to the login page first.
"""

from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.errors import PublicNotFound
from motcua.units.models import Commune, Province

COMMUNE_PARAMETER = "commune"
# Roles that see their own commune's statistics.
COMMUNE_VIEWERS = frozenset({Role.LEADER, Role.COMMUNE_ADMIN})


def commune_for_insights(request: HttpRequest) -> Commune:
    """The commune whose statistics ``request.user`` asks for and may see; 404 otherwise.

    The commune comes from the user (leader, commune admin) or from ``?commune=<code>``
    (province monitor within their province, superuser anywhere); see the module docstring.
    """
    user = request.user
    code = (request.GET.get(COMMUNE_PARAMETER) or "").strip()
    commune = _allowed_commune(user, code)
    if commune is None:
        raise PublicNotFound(_("Không tìm thấy số liệu thống kê của xã, phường này."))
    return commune


def _allowed_commune(user: User, code: str) -> Commune | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return _commune_by_code(code) if code else user.commune
    if user.role in COMMUNE_VIEWERS and user.commune_id:
        if code and code != user.commune.code:
            return None
        return user.commune
    if user.role == Role.PROVINCE_MONITOR and user.province_id and code:
        commune = _commune_by_code(code)
        if commune is not None and commune.province_id == user.province_id:
            return commune
    return None


def _commune_by_code(code: str) -> Commune | None:
    """The commune with this code: the row in force, else the latest (communes merged in a
    reform keep their rows, closed, so past periods stay readable)."""
    return (
        Commune.objects.select_related("province")
        .filter(code=code)
        .order_by(F("valid_to").desc(nulls_first=True), "-valid_from")
        .first()
    )


def may_view_insights(user: User) -> bool:
    """Whether the user may see some commune's statistics at all (to show a menu link)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (user.role in COMMUNE_VIEWERS and bool(user.commune_id)) or (
        user.role == Role.PROVINCE_MONITOR and bool(user.province_id)
    )


def commune_by_code_for(user: User, code: str) -> Commune:
    """The commune named in a page's path (the index pages), if ``user`` may see it; 404
    otherwise. The same rule as ``commune_for_insights``."""
    commune = _allowed_commune(user, (code or "").strip())
    if commune is None:
        raise PublicNotFound(_("Không tìm thấy số liệu thống kê của xã, phường này."))
    return commune


DEFAULT_PROVINCE = "01"  # a superuser who names no province sees Hà Nội


def province_for_insights(user: User, code: str | None = None) -> Province:
    """The province whose communes ``user`` may compare (the ranking, the province table, the
    monitor's inputs): a province monitor's own (naming another is refused); any, by ``code``,
    for a superuser. Commune officers see only their commune, so everybody else gets 404."""
    code = (code or "").strip()
    found = None
    if user.is_authenticated and user.is_active:
        if user.is_superuser:
            found = Province.objects.current().filter(code=code or DEFAULT_PROVINCE).first()
        elif user.role == Role.PROVINCE_MONITOR and user.province_id:
            found = user.province if not code or code == user.province.code else None
    if found is None:
        raise PublicNotFound(_("Không tìm thấy bảng xếp hạng của tỉnh này."))
    return found
