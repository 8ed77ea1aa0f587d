"""A commune admin chooses the procedures the commune handles; intake follows that choice."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from motcua.catalog.queries import commune_handles
from motcua.dossiers.models import Dossier
from tests.world import PASSWORD, make_procedure, world  # noqa: F401


def test_commune_admin_standardises_and_intake_follows(client, world):  # noqa: F811
    other = make_procedure(code="1.001193")
    admin = world.officers_a["commune_admin"]
    client.login(username=admin.username, password=PASSWORD)
    page = client.get(reverse("catalog:commune_procedures"))
    assert page.status_code == 200 and "chưa chuẩn hóa" in page.content.decode()
    assert commune_handles(world.a, other)

    response = client.post(reverse("catalog:commune_procedures"), {"codes": ["1.004873"]})
    assert response.status_code == 302
    assert commune_handles(world.a, world.procedure)
    assert not commune_handles(world.a, other)
    assert commune_handles(world.b, other)  # another commune is not affected

    with pytest.raises(ValidationError) as exc:
        world.receive(procedure=other)
    assert "chưa chuẩn hóa thủ tục 1.001193" in " ".join(exc.value.message_dict["procedure"])
    assert Dossier.objects.count() == 0


def test_empty_choice_is_refused_and_other_roles_only_read(client, world):  # noqa: F811
    admin = world.officers_a["commune_admin"]
    client.login(username=admin.username, password=PASSWORD)
    response = client.post(reverse("catalog:commune_procedures"), {})
    assert response.status_code == 400 and "ít nhất một" in response.content.decode()
    client.login(username=world.reception.username, password=PASSWORD)
    assert client.get(reverse("catalog:commune_procedures")).status_code == 200
    response = client.post(reverse("catalog:commune_procedures"), {"codes": ["1.004873"]})
    assert response.status_code == 403
