"""Places with a QR placard (a market, a park, the service centre): the commune admin adds and
edits them here. Checked first (the access rule, the input), then written; a refusal
(``PetitionError``, ``PermissionDenied``) changes nothing."""

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts import access
from motcua.accounts.access import Action, Kind
from motcua.petitions.errors import PetitionError
from motcua.petitions.models import Place
from motcua.petitions.services import checked_text, parse_coordinate
from motcua.units.models import Commune

NAME_MAX = Place._meta.get_field("name").max_length
ADDRESS_MAX = Place._meta.get_field("address").max_length


def save_place(
    actor,
    commune: Commune,
    *,
    name: str,
    address: str = "",
    latitude=None,
    longitude=None,
    is_active: bool = True,
    place: Place | None = None,
) -> Place:
    """Add a place to ``commune`` or change one of its places (its QR key never changes, so a
    printed placard keeps working)."""
    access.require(actor, Kind.COMMUNE, Action.CONFIGURE, commune)
    if place is not None and place.commune_id != commune.pk:
        raise PetitionError(_("Địa điểm này không thuộc xã, phường của bạn."), "scope")
    name = checked_text(name, NAME_MAX, "name")
    if not name:
        raise PetitionError(_("Hãy nhập tên địa điểm."), "name_missing", "name")
    address = checked_text(address, ADDRESS_MAX, "address")
    lat = parse_coordinate(latitude, -90, 90, "latitude")
    long = parse_coordinate(longitude, -180, 180, "longitude")
    if (lat is None) != (long is None):
        raise PetitionError(
            _("Cần cả vĩ độ và kinh độ, hoặc để trống cả hai."), "location_half", "latitude"
        )
    with transaction.atomic():
        place = place or Place(commune=commune)
        place.name, place.address = name, address
        place.latitude, place.longitude, place.is_active = lat, long, bool(is_active)
        place.save()
    return place
