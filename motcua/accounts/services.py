"""Changes to staff accounts."""

from django.db import transaction

from motcua.accounts.models import ApiToken, User, hash_token


def create_api_token(username: str, *, name: str = "") -> str:
    """Create a token for ``username`` and return the raw value (shown once, stored hashed)."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValueError(
            f"No active user '{username}'. Check the name in the admin (/admin/accounts/user/)."
        )
    raw = ApiToken.new_raw_token()
    with transaction.atomic():
        ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8])
    return raw
