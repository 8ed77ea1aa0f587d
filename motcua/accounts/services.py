"""Changes to staff accounts."""

from django.db import transaction

from motcua.accounts import access
from motcua.accounts.models import ApiToken, User, hash_token


def create_api_token(username: str, *, name: str = "") -> str:
    """Create a token for ``username`` and return the raw value (shown once, stored hashed).

    Run by the operator on the server, for an officer: the token carries that officer's own
    rights and no more, since every staff route asks ``accounts.access``. An account the access
    rule gives nothing (closed, or without a role) gets no token: it would open nothing.
    """
    user = User.objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise ValueError(
            f"No active user '{username}'. Check the name in the admin (/admin/accounts/user/)."
        )
    if not access.is_officer(user):
        raise ValueError(
            f"User '{username}' has no role: a token would open nothing. Give the account a "
            "role (and its commune or province) in the admin first."
        )
    raw = ApiToken.new_raw_token()
    with transaction.atomic():
        ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8])
    return raw
