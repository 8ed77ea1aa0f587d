"""The outbox in the admin: readable, not editable, recipients masked."""

from motcua.notify.models import Message
from motcua.notify.services import enqueue


def test_admin_lists_messages_with_masked_recipients_and_allows_no_changes(admin_client, db):
    sms = enqueue("sms", "0912345678", "Hồ sơ đã được tiếp nhận", dedupe_key="admin:1")
    enqueue("email", "minh@example.vn", "Hồ sơ đã được tiếp nhận", dedupe_key="admin:2")

    listing = admin_client.get("/admin/notify/message/").content.decode()
    assert "*******678" in listing and "m***@example.vn" in listing
    assert "0912345678" not in listing and "minh@example.vn" not in listing

    detail = admin_client.get(f"/admin/notify/message/{sms.pk}/change/").content.decode()
    assert "*******678" in detail and "0912345678" not in detail
    assert admin_client.get("/admin/notify/message/add/").status_code == 403
    admin_client.post(f"/admin/notify/message/{sms.pk}/delete/", {"post": "yes"})
    assert Message.objects.filter(pk=sms.pk).exists()
