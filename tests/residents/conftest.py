import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.residents import sessions
from motcua.residents.models import Resident
from tests.world import GOOD_ID, world  # noqa: F401

# The smallest files that are what they claim to be.
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name="to-khai.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def resident(db):
    return Resident.objects.create(phone="0912345678", full_name="Trần Thị Bích Ngọc")


@pytest.fixture
def verified_resident(db):
    return Resident.objects.create(
        phone="0987654321",
        full_name="Lê Văn Hùng",
        verified_id_number=GOOD_ID,
        verified_by="fake",
    )


def signed_in(client, person):
    """A test client whose session holds ``person`` as the signed-in resident."""
    session = client.session
    session[sessions.SESSION_KEY] = person.pk
    session.save()
    return client


@pytest.fixture
def resident_client(client, resident):
    return signed_in(client, resident)
