"""A commune's public answers: no reporter, personal data in the text masked, a moderator's
hidden reports absent; photos served only under the rule."""

import pytest
from django.urls import reverse

from motcua.docstore.uploads import check_upload
from motcua.petitions import services
from motcua.petitions.models import PetitionPhoto, Place
from tests.petitions.support import report
from tests.petitions.test_public_form import photo as upload
from tests.world import vn

NAME, PHONE, EMAIL = "Quách Thị Độc Nhất", "0978123456", "docnhat.reporter@example.vn"
CCCD_IN_TEXT, PHONE_IN_TEXT = "001190012345", "0903111222"


def publish(world, petition, answer="Đã sửa xong."):
    officer = world.specialist
    petition = services.accept(petition, officer, at=vn(2025, 7, 7, 10))
    petition = services.draft_answer(petition, officer, answer, at=vn(2025, 7, 8, 9))
    return services.publish(petition, world.leader, at=vn(2025, 7, 8, 10))


def list_url(commune) -> str:
    return reverse("petitions:commune_answers", args=[commune.code])


def answer_url(petition) -> str:
    return reverse("petitions:answer", args=[petition.commune.code, petition.pk])


def photo_url(photo) -> str:
    return reverse("petitions:photo", args=[photo.pk, photo.sha256[:12]])


@pytest.fixture
def answered(world):
    petition = report(
        world,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_email=EMAIL,
        title="<script>alert('t')</script> Đèn ngõ 5",
        description=(
            f"Tôi, CCCD {CCCD_IN_TEXT}, gọi {PHONE_IN_TEXT} mãi không ai nghe. "
            "<script>alert('d')</script>"
        ),
    )
    return publish(world, petition)


def test_the_commune_is_chosen_first(client, world):
    assert client.get(reverse("petitions:answers")).status_code == 200
    response = client.get(reverse("petitions:answers"), {"xa": world.a.code})
    assert response.status_code == 302 and response["Location"] == list_url(world.a)
    assert client.get(reverse("petitions:answers"), {"xa": "nope"}).status_code == 400
    assert client.get(list_url(world.a).replace(world.a.code, "nope")).status_code == 404


def test_the_list_and_the_answer_show_no_reporter_and_mask_personal_data(client, world, answered):
    for url in (list_url(world.a), answer_url(answered)):
        html = client.get(url).content.decode()
        assert "Đã sửa xong." in html
        for secret in (NAME, PHONE, EMAIL, CCCD_IN_TEXT, PHONE_IN_TEXT, answered.secret):
            assert secret not in html, (url, secret)
    html = client.get(answer_url(answered)).content.decode()
    assert "*********345" in html  # the CCCD, masked
    assert "<script>alert(" not in html and "&lt;script&gt;alert(&#x27;d&#x27;)" in html


def test_open_rejected_and_hidden_reports_are_absent(client, world, answered):
    still_open = report(world, description="Chưa trả lời: rác ở ngõ 7")
    hidden = publish(world, report(world, description="Bị ẩn: chuyện riêng"), "Trả lời bị ẩn")
    services.moderate(hidden, world.leader, public_text="", hidden=True, reason="Chuyện riêng")
    html = client.get(list_url(world.a)).content.decode()
    assert "Đã sửa xong." in html
    assert "Chưa trả lời" not in html and "Trả lời bị ẩn" not in html
    assert client.get(answer_url(still_open)).status_code == 404
    assert client.get(answer_url(hidden)).status_code == 404
    # Another commune's page does not show it either.
    wrong = reverse("petitions:answer", args=[world.b.code, answered.pk])
    assert client.get(wrong).status_code == 404


def test_answers_are_filtered_by_category_and_paged(client, world, answered):
    other = publish(world, report(world, code="moi-truong", description="Rác"), "Đã dọn rác.")
    html = client.get(list_url(world.a), {"linh-vuc": "moi-truong"}).content.decode()
    assert "Đã dọn rác." in html and "Đã sửa xong." not in html
    assert other.category.code == "moi-truong"
    for query in ({"trang": "999"}, {"trang": "abc"}, {"linh-vuc": "\x00"}, {"trang": "-1"}):
        assert client.get(list_url(world.a), query).status_code in (200, 400)


# --------------------------------------------------------------------------- photos


def add_photo(petition, with_answer=False):
    """A photo stored the way the services store one (``services._store_photos``)."""
    services._store_photos(petition, [check_upload(upload())], with_answer=with_answer)
    return PetitionPhoto.objects.filter(petition=petition).latest("pk")


def test_a_place_reports_photos_are_public_once_published(client, world):
    place = Place.objects.create(commune=world.a, name="Chợ")
    petition = report(world, code="moi-truong", place=place, photos=[check_upload(upload())])
    shot = petition.photos.get()
    assert client.get(photo_url(shot)).status_code == 404  # not published yet
    publish(world, petition)
    response = client.get(photo_url(shot))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "<img" in client.get(answer_url(petition)).content.decode()


def test_other_reports_photos_stay_private_but_answer_photos_are_public(client, world):
    petition = report(world, code="thai-do-can-bo", photos=[check_upload(upload())])
    petition = publish(world, petition)
    reporters = petition.photos.get()
    assert petition.subject != "place"
    assert client.get(photo_url(reporters)).status_code == 404
    answer_photo = add_photo(petition, with_answer=True)
    assert client.get(photo_url(answer_photo)).status_code == 200


def test_a_photo_needs_its_digest_and_a_visible_report(client, world):
    place = Place.objects.create(commune=world.a, name="Chợ")
    petition = report(world, code="moi-truong", place=place, photos=[check_upload(upload())])
    petition = publish(world, petition)
    shot = petition.photos.get()
    wrong = reverse("petitions:photo", args=[shot.pk, "0" * 12])
    assert client.get(wrong).status_code == 404
    assert client.get(reverse("petitions:photo", args=[shot.pk, "x" * 400])).status_code == 404
    services.moderate(petition, world.leader, public_text="", hidden=True, reason="Ẩn")
    assert client.get(photo_url(shot)).status_code == 404
