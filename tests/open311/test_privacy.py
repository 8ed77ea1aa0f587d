"""What any GET shows is what the public pages show: never the reporter, personal data in free
text masked, conduct reports without text until answered, hidden ones not at all; HTML in a
report is text in JSON and escaped in XML."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from motcua.docstore.uploads import check_upload
from motcua.petitions import services
from tests.open311.support import body, get, recent
from tests.petitions.test_public_form import photo as upload

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]
NAME = "Quách Thị Độc Nhất"
PHONE = "0987654321"
EMAIL = "doc.nhat.bimat@example.com"


def every_get(client, world, petition) -> list[bytes]:
    """Every Open311 GET that could show the report, in both formats."""
    paths = [
        ("requests", {}),
        ("requests", {"jurisdiction_id": world.a.code}),
        ("requests", {"service_request_id": str(petition.pk)}),
        (f"requests/{petition.pk}", {}),
        (f"tokens/{petition.pk}", {}),
        ("services", {"jurisdiction_id": world.a.code}),
        ("services/chieu-sang", {}),
        ("discovery", {}),
    ]
    found = []
    for path, query in paths:
        for fmt in FORMATS:
            response = get(client, path, fmt, **query)
            assert response.status_code == 200, (path, fmt)
            found.append(response.content)
    return found


def test_the_reporter_never_appears_in_any_get(client, world):
    petition = recent(
        world,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_email=EMAIL,
        description=f"Đèn hỏng. Gọi tôi số {PHONE} hoặc {EMAIL}, CCCD 001085012345.",
        address="Số 5 Hàng Bạc",
    )
    services.accept(petition, world.specialist)
    services.draft_answer(petition, world.specialist, f"Đã sửa; đã gọi {PHONE} báo.")
    services.publish(petition, world.leader)
    for content in every_get(client, world, petition):
        text = content.decode("utf-8")
        for secret in (PHONE, EMAIL, "001085012345", petition.secret, "Quách"):
            assert secret not in text, secret
    (found,) = body(get(client, f"requests/{petition.pk}"))
    assert "*******321" in found["description"]
    assert "d***@example.com" in found["description"]
    assert "*******321" in found["status_notes"]


def test_a_conduct_report_shows_no_text_until_answered(client, world):
    petition = recent(world, code="thai-do-can-bo", description="Cán bộ X đòi tiền ngoài quy định.")
    for fmt in FORMATS:
        (found,) = body(get(client, f"requests/{petition.pk}", fmt))
        assert found["description"] == ""
        assert "đòi tiền" not in get(client, "requests", fmt).content.decode()


def test_moderated_text_replaces_the_reporters(client, world):
    petition = recent(world, description="Ông hàng xóm tên Tư vứt rác bừa bãi.")
    services.moderate(
        petition,
        world.leader,
        public_text="Có người vứt rác bừa bãi.",
        hidden=False,
        reason="Bỏ tên người khác.",
    )
    (found,) = body(get(client, f"requests/{petition.pk}"))
    assert found["description"] == "Có người vứt rác bừa bãi."


PAYLOAD = '<script>alert("x")</script> & <b>đèn</b> ]]> <!-- -->'


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_script_in_a_description_is_text_in_both_formats(client, world, fmt):
    petition = recent(world, description=PAYLOAD, address="<img src=x onerror=alert(1)>")
    response = get(client, f"requests/{petition.pk}", fmt)
    content = response.content.decode("utf-8")
    assert "<script>" not in content and "<img" not in content
    if fmt == "json":
        assert "\\u003cscript\\u003e" in content
        (found,) = json.loads(content)
    else:
        assert "&lt;script&gt;" in content
        found = {child.tag: child.text for child in ET.fromstring(response.content)[0]}
    assert found["description"] == PAYLOAD
    assert found["address"] == "<img src=x onerror=alert(1)>"


def test_characters_xml_cannot_carry_are_dropped_not_a_broken_document(client, world):
    """Old rows (or a category typed into the admin) may hold control characters the services
    now strip: XML 1.0 cannot carry them, so they are left out and the document still parses."""
    petition = recent(world)
    type(petition).objects.filter(pk=petition.pk).update(description="đèn\x0bhỏng\x1b")
    response = get(client, f"requests/{petition.pk}", "xml")
    (found,) = body(response)
    assert found["description"] == "đènhỏng"


def test_media_url_is_the_first_public_photo_once_the_answer_is_published(client, world):
    now = timezone.now()
    lamp = recent(world, photos=[check_upload(upload())], at=now - timedelta(hours=3))
    conduct = recent(world, code="thai-do-can-bo", photos=[check_upload(upload())])
    before = body(get(client, f"requests/{lamp.pk}"))[0]
    assert before["media_url"] is None  # no photo is public before the answer
    for petition in (lamp, conduct):
        two_hours_ago = now - timedelta(hours=2)
        draft = services.draft_answer(petition, world.specialist, "Đã sửa.", at=two_hours_ago)
        services.publish(draft, world.leader, at=now - timedelta(hours=1))

    media = body(get(client, f"requests/{lamp.pk}"))[0]["media_url"]
    photo = lamp.photos.get()
    assert media.endswith(f"/phan-anh/anh/{photo.pk}/{photo.sha256[:12]}/")
    assert client.get(media.removeprefix(settings.PUBLIC_BASE_URL)).status_code == 200
    # A photo sent with a report about an official stays with the officers.
    assert body(get(client, f"requests/{conduct.pk}"))[0]["media_url"] is None
