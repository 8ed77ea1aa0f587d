"""A failed try of the filing form keeps the files that passed the check (residents.pending)."""

import datetime
import os
import re

import pytest
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.residents import pending
from motcua.residents.models import PendingUpload, Resident
from tests.residents.conftest import pdf, signed_in
from tests.residents.test_filing import filing_data, submit_url

pytestmark = pytest.mark.django_db


def kept_token(html: str, position: int = 0) -> str:
    return re.search(rf'name="kept_{position}" value="([^"]+)"', html).group(1)


def test_a_failed_submit_keeps_the_file_and_says_so(resident_client, world):
    data = filing_data(world, file_0=pdf("giay-khai-sinh.pdf"), applicant_name="")
    response = resident_client.post(submit_url(world), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Đã đính kèm:" in html and "giay-khai-sinh.pdf" in html and "(giữ lại)" in html
    assert "Bỏ tệp này" in html
    kept = PendingUpload.objects.get()
    assert kept.token == kept_token(html) and kept.position == 0
    assert "giay-khai-sinh" not in kept.file.name  # no sender's name in a stored path


def test_the_next_try_files_with_the_kept_file_and_then_drops_it(
    resident_client, world, django_capture_on_commit_callbacks
):
    first = resident_client.post(
        submit_url(world), filing_data(world, file_0=pdf("giay-khai-sinh.pdf"), declaration="")
    )
    token = kept_token(first.content.decode())
    path = PendingUpload.objects.get().file.path
    data = filing_data(world, kept_0=token)
    del data["file_0"]
    with django_capture_on_commit_callbacks(execute=True):
        response = resident_client.post(submit_url(world), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    document = dossier.documents.get().stored_document
    assert document.content_type == "application/pdf" and document.size_bytes > 0
    assert not PendingUpload.objects.exists() and not os.path.exists(path)


def test_ticking_remove_drops_the_kept_file(resident_client, world):
    first = resident_client.post(submit_url(world), filing_data(world, declaration=""))
    data = filing_data(world, kept_0=kept_token(first.content.decode()), drop_0="1")
    del data["file_0"]
    response = resident_client.post(submit_url(world), data)
    assert response.status_code == 400
    assert "Tải lên ít nhất một giấy tờ" in response.content.decode()
    assert not PendingUpload.objects.exists() and not Dossier.objects.exists()


def test_a_new_file_replaces_the_kept_one(resident_client, world):
    first = resident_client.post(submit_url(world), filing_data(world, declaration=""))
    old = kept_token(first.content.decode())
    second = resident_client.post(
        submit_url(world),
        filing_data(world, kept_0=old, file_0=pdf("ban-moi.pdf"), declaration=""),
    )
    html = second.content.decode()
    assert "ban-moi.pdf" in html and kept_token(html) != old
    assert PendingUpload.objects.get().original_name == "ban-moi.pdf"


def test_a_refused_file_is_not_kept(resident_client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("giay-to.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = resident_client.post(submit_url(world), filing_data(world, file_0=fake))
    assert response.status_code == 400
    assert not PendingUpload.objects.exists()


def test_another_persons_token_is_worth_nothing(client, resident_client, world):
    first = resident_client.post(submit_url(world), filing_data(world, declaration=""))
    token = kept_token(first.content.decode())
    stranger = Resident.objects.create(phone="0933333333")
    other = signed_in(client.__class__(), stranger)
    data = filing_data(world, kept_0=token)
    del data["file_0"]
    response = other.post(submit_url(world), data)
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert PendingUpload.objects.count() == 1  # still the owner's


def test_a_token_for_another_paper_or_too_old_is_ignored(resident_client, world):
    first = resident_client.post(submit_url(world), filing_data(world, declaration=""))
    token = kept_token(first.content.decode())
    assert (
        pending.kept_for({"kept_1": token}, owner=pending.PendingUpload.objects.get().owner) == {}
    )
    PendingUpload.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    data = filing_data(world, kept_0=token)
    del data["file_0"]
    assert resident_client.post(submit_url(world), data).status_code == 400


def test_old_kept_files_are_purged(resident_client, world, django_capture_on_commit_callbacks):
    resident_client.post(submit_url(world), filing_data(world, declaration=""))
    PendingUpload.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    path = PendingUpload.objects.get().file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert pending.purge_expired() == 1
    assert not PendingUpload.objects.exists() and not os.path.exists(path)
