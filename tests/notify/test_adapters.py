"""The channel adapters against the real thing or a real stand-in: an HTTP gateway served by
``http.server`` on 127.0.0.1 in a thread, Django's test mailbox, a file, the console."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.notify.adapters import (
    ConsoleAdapter,
    EmailAdapter,
    FileAdapter,
    PermanentFailure,
    SmsHttpAdapter,
    TemporaryFailure,
    ZaloZnsAdapter,
    vn_msisdn,
)
from motcua.notify.models import Status
from motcua.notify.services import RETRY_DELAYS, deliver_due, enqueue
from tests.world import vn

T0 = vn(2025, 7, 7, 9)
BODY = "Hồ sơ 01.00070-250707-0001: Đã tiếp nhận. Mã đăng nhập 123456."


class Gateway:
    """A scripted HTTP JSON endpoint: answers each POST with the next (status, body, delay)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[tuple[int, object, float]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "path": self.path,
                        "headers": self.headers,  # case-insensitive, as HTTP is
                        "json": json.loads(self.rfile.read(length).decode("utf-8")),
                    }
                )
                status, body, delay = (
                    gateway.replies.pop(0) if gateway.replies else (200, {"id": "gw-1"}, 0)
                )
                time.sleep(delay)
                raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, status, body=None, delay=0.0):
        self.replies.append((status, {} if body is None else body, delay))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    g = Gateway()
    yield g
    g.close()


@pytest.fixture
def sms_gateway(gateway, settings):
    settings.MOTCUA_SMS_URL = gateway.url
    settings.MOTCUA_SMS_TOKEN = "sms-secret"
    settings.MOTCUA_NOTIFY_HTTP_TIMEOUT = 0.5
    return gateway


@pytest.fixture
def zalo_gateway(gateway, settings):
    settings.MOTCUA_ZALO_URL = gateway.url
    settings.MOTCUA_ZALO_TOKEN = "zalo-oa-token"
    settings.MOTCUA_ZALO_TEMPLATE_ID = "412345"
    settings.MOTCUA_NOTIFY_HTTP_TIMEOUT = 0.5
    return gateway


def message(channel="sms", recipient="0912 345 678", **kwargs):
    return enqueue(channel, recipient, BODY, dedupe_key=f"adapter-test:{channel}", **kwargs)


# --------------------------------------------------------------------------- SMS over HTTP


def test_sms_gateway_gets_the_number_text_token_and_idempotency_key(db, sms_gateway):
    m = message()
    sms_gateway.reply(200, {"id": "gw-42", "status": "queued"})

    assert SmsHttpAdapter().send(m) == "gw-42"

    (request,) = sms_gateway.requests
    assert request["path"] == "/send"
    assert request["headers"]["Authorization"] == "Bearer sms-secret"
    assert request["headers"]["Idempotency-Key"] == str(m.uuid)
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["json"] == {"to": "84912345678", "text": BODY, "client_ref": str(m.uuid)}


@pytest.mark.parametrize(
    ("status", "failure"),
    [
        (500, TemporaryFailure),
        (503, TemporaryFailure),
        (429, TemporaryFailure),
        (400, PermanentFailure),
        (401, PermanentFailure),
        (422, PermanentFailure),
    ],
)
def test_sms_gateway_errors_are_temporary_or_permanent(db, sms_gateway, status, failure):
    sms_gateway.reply(status, {"error": "rejected 0912345678"})
    with pytest.raises(failure) as caught:
        SmsHttpAdapter().send(message())
    assert str(caught.value) == f'HTTP {status}: {{"error": "rejected *******678"}}'


def test_sms_gateway_timeout_is_temporary(db, sms_gateway):
    sms_gateway.reply(200, {"id": "too-late"}, delay=2)
    started = time.monotonic()
    with pytest.raises(TemporaryFailure):
        SmsHttpAdapter().send(message())
    assert time.monotonic() - started < 1.5


def test_unreachable_sms_gateway_is_temporary(db, settings, gateway):
    settings.MOTCUA_SMS_URL = gateway.url
    settings.MOTCUA_SMS_TOKEN = "sms-secret"
    gateway.close()  # nothing listens on the port any more
    with pytest.raises(TemporaryFailure):
        SmsHttpAdapter().send(message())


def test_accepted_without_a_provider_id_keeps_our_uuid(db, sms_gateway):
    m = message()
    sms_gateway.reply(202, "")
    assert SmsHttpAdapter().send(m) == str(m.uuid)


def test_a_landline_or_garbage_number_is_refused_before_any_request(db, sms_gateway):
    with pytest.raises(PermanentFailure, match=r"\*+567"):
        SmsHttpAdapter().send(message(recipient="024 3825 4567"))
    assert sms_gateway.requests == []


def test_sms_adapter_needs_its_settings(db, settings):
    settings.MOTCUA_SMS_URL = ""
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_SMS_URL"):
        SmsHttpAdapter()


def test_vn_msisdn_accepts_the_ways_people_write_numbers():
    for written in ("0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678"):
        assert vn_msisdn(written) == "84912345678"
    for bad in ("", "12345", "0212345678", "091234567", "09123456789"):
        with pytest.raises(PermanentFailure):
            vn_msisdn(bad)


def test_outbox_retries_the_gateway_with_the_same_idempotency_key(db, sms_gateway, settings):
    settings.MOTCUA_NOTIFY_ADAPTERS = {"sms": "motcua.notify.adapters.SmsHttpAdapter"}
    m = message(at=T0)
    sms_gateway.reply(503, {"error": "maintenance"})
    sms_gateway.reply(200, {"message_id": "gw-7"})

    assert deliver_due(worker_id="w1", now=T0).retrying == 1
    assert deliver_due(worker_id="w1", now=T0 + RETRY_DELAYS[0]).sent == 1

    m.refresh_from_db()
    assert (m.status, m.provider_id, m.attempts) == (Status.SENT, "gw-7", 2)
    keys = [r["headers"]["Idempotency-Key"] for r in sms_gateway.requests]
    assert keys == [str(m.uuid), str(m.uuid)]


# --------------------------------------------------------------------------- Zalo ZNS


def test_zalo_zns_request_shape(db, zalo_gateway):
    m = message(
        "zalo",
        data={"ma_ho_so": "01.00070-250707-0001", "trang_thai": "Đã tiếp nhận"},
    )
    zalo_gateway.reply(200, {"error": 0, "message": "Success", "data": {"msg_id": "zns-9"}})

    assert ZaloZnsAdapter().send(m) == "zns-9"

    (request,) = zalo_gateway.requests
    assert request["headers"]["access_token"] == "zalo-oa-token"
    assert request["json"] == {
        "phone": "84912345678",
        "template_id": "412345",
        "template_data": {"ma_ho_so": "01.00070-250707-0001", "trang_thai": "Đã tiếp nhận"},
        "tracking_id": m.uuid.hex,
    }


def test_zalo_without_template_data_sends_the_body_as_content(db, zalo_gateway):
    zalo_gateway.reply(200, {"error": 0, "data": {"msg_id": "zns-10"}})
    ZaloZnsAdapter().send(message("zalo"))
    assert zalo_gateway.requests[0]["json"]["template_data"] == {"content": BODY}


@pytest.mark.parametrize(("error", "failure"), [(-100, TemporaryFailure), (-108, PermanentFailure)])
def test_zalo_error_codes(db, zalo_gateway, error, failure):
    zalo_gateway.reply(200, {"error": error, "message": "Phone number invalid"})
    with pytest.raises(failure, match=f"ZNS error {error}"):
        ZaloZnsAdapter().send(message("zalo"))


def test_zalo_server_error_is_temporary(db, zalo_gateway):
    zalo_gateway.reply(502, "<html>Bad gateway</html>")
    with pytest.raises(TemporaryFailure, match="HTTP 502"):
        ZaloZnsAdapter().send(message("zalo"))


# --------------------------------------------------------------------------- e-mail, file, console


def test_email_goes_through_djangos_mail_with_a_stable_message_id(db, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "motcua@hoankiem.hanoi.gov.vn"
    m = message("email", "minh@example.vn", subject="Hồ sơ 01.00070-250707-0001")

    assert EmailAdapter().send(m) == f"<{m.uuid}@motcua>"

    (sent,) = mailoutbox
    assert sent.to == ["minh@example.vn"]
    assert sent.from_email == "motcua@hoankiem.hanoi.gov.vn"
    assert sent.subject == "Hồ sơ 01.00070-250707-0001"
    assert sent.body == BODY
    assert sent.extra_headers["Message-ID"] == f"<{m.uuid}@motcua>"


def test_email_without_subject_gets_a_default_one(db, mailoutbox):
    EmailAdapter().send(message("email", "minh@example.vn"))
    assert mailoutbox[0].subject == "Thông báo từ bộ phận một cửa"


def test_file_adapter_appends_one_masked_json_line_per_message(db, settings, tmp_path):
    settings.MOTCUA_NOTIFY_FILE = tmp_path / "demo" / "outbox.jsonl"
    sms = message()
    email = message("email", "minh@example.vn", subject="Hồ sơ của ông/bà")

    assert FileAdapter().send(sms) == f"file:{sms.uuid}"
    FileAdapter().send(email)

    lines = [json.loads(line) for line in settings.MOTCUA_NOTIFY_FILE.read_text().splitlines()]
    assert [(x["uuid"], x["channel"], x["recipient"]) for x in lines] == [
        (str(sms.uuid), "sms", "*******678"),
        (str(email.uuid), "email", "m***@example.vn"),
    ]
    assert lines[0]["body"] == BODY  # nothing number-shaped in it to mask
    assert lines[1]["subject"] == "Hồ sơ của ông/bà"


def test_file_adapter_defaults_to_the_state_dir(db, settings, tmp_path):
    settings.STATE_DIR = tmp_path
    FileAdapter().send(message())
    assert (tmp_path / "outbox.jsonl").exists()


def test_console_adapter_masks_the_recipient_and_shows_the_body(db, capsys):
    m = message(subject="Mã đăng nhập")
    assert ConsoleAdapter().send(m) == f"console:{m.uuid}"
    out = capsys.readouterr().out
    assert "Tin nhắn SMS gửi *******678" in out.splitlines()
    assert "0912" not in out
    assert "Tiêu đề: Mã đăng nhập" in out
    assert BODY in out  # a demo user reads the one-time code here
