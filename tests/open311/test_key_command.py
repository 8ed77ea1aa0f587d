"""``motcua create_open311_key NAME``: the key alone on the last line; it works; once revoked in
the admin (``keys.revoke``) it is refused."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.petitions import keys
from motcua.petitions.models import Open311Key, Petition
from tests.open311.support import post

pytestmark = pytest.mark.django_db


def create(name: str) -> list[str]:
    out = StringIO()
    call_command("create_open311_key", name, stdout=out)
    return out.getvalue().splitlines()


def test_the_last_line_is_the_key_and_it_works(client, world):
    lines = create("Ứng dụng Phản ánh Hà Nội")
    raw = lines[-1]
    assert raw == raw.strip() and " " not in raw and raw.startswith(keys.PREFIX)
    key = Open311Key.objects.get()
    assert key.name == "Ứng dụng Phản ánh Hà Nội"
    assert raw not in (key.key_hash, key.prefix)  # only the hash is stored
    assert all(raw not in line for line in lines[:-1])
    form = {
        "api_key": raw,
        "jurisdiction_id": world.a.code,
        "service_code": "chieu-sang",
        "address_string": "Ngõ 5 Hàng Bạc",
        "description": "Đèn không sáng.",
    }
    assert post(client, **form).status_code == 200
    assert Petition.objects.get().api_key == key
    keys.revoke(key)
    response = post(client, **form)
    assert response.status_code == 403
    assert Petition.objects.count() == 1


def test_each_call_makes_a_new_key(world):
    assert create("A")[-1] != create("A")[-1]
    assert Open311Key.objects.count() == 2


def test_a_name_is_required(world):
    with pytest.raises(CommandError):
        create("   ")
    assert not Open311Key.objects.exists()
