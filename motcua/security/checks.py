"""Deployment checks, run by ``motcua check --deploy`` (and, for the errors, by the refusal to serve
in ``motcua.security.startup``).

Errors are what makes a server unsafe for residents' data: anyone who knows the development key
can forge sessions and signed links; the VNeID stand-in lets anyone sign in as any ID number;
``*`` in the allowed hosts lets a request choose the host name in the absolute links motcua makes.
Warnings are stand-ins that keep residents' data safe but leave a commune's work undone: dossiers
not synchronised with the national portal, text messages (sign-in codes too) never sent, receipt
QR codes pointing to an address that is not the site's public HTTPS one.

Each message names the variable to set (README, "Running it for real" and "Running behind HTTPS").
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from motcua import runmode

FAKE_IDENTITY_PROVIDER = "fake"
FAKE_NATIONAL_PORTAL = "fake"


def unsafe_to_serve() -> list[Error]:
    """The errors for which ``motcua.wsgi`` / ``motcua.asgi`` refuse to start (debug off)."""
    errors = []
    if settings.SECRET_KEY == runmode.DEVELOPMENT_SECRET_KEY:
        errors.append(
            Error(
                _(
                    "MOTCUA_SECRET_KEY chưa được đặt: máy chủ đang dùng khóa bí mật của bản phát "
                    "triển, ai cũng biết khóa này nên có thể giả mạo phiên đăng nhập và các đường "
                    "dẫn đã ký."
                ),
                hint=_(
                    "Đặt MOTCUA_SECRET_KEY bằng một chuỗi ngẫu nhiên dài và giữ bí mật, ví dụ kết "
                    'quả của: python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
                ),
                id="motcua.E001",
            )
        )
    if FAKE_IDENTITY_PROVIDER in settings.MOTCUA_IDENTITY_PROVIDERS:
        errors.append(
            Error(
                _(
                    "MOTCUA_IDENTITY_PROVIDERS có 'fake': VNeID giả lập cho phép bất kỳ ai đăng "
                    "nhập bằng bất kỳ số định danh nào, xem hồ sơ và tải giấy tờ của người đó."
                ),
                hint=_(
                    "Bỏ 'fake' khỏi MOTCUA_IDENTITY_PROVIDERS: đặt 'vneid' khi đã kết nối VNeID, "
                    "hoặc để trống (công dân đăng nhập bằng số điện thoại)."
                ),
                id="motcua.E002",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                _(
                    "MOTCUA_ALLOWED_HOSTS có '*': máy chủ nhận mọi tên miền mà yêu cầu tự xưng, "
                    "nên đường dẫn tuyệt đối nó tạo ra có thể trỏ tới trang của kẻ xấu."
                ),
                hint=_(
                    "Đặt MOTCUA_ALLOWED_HOSTS bằng tên miền của trang, cách nhau bởi dấu phẩy, "
                    "ví dụ motcua.xa-a.gov.vn."
                ),
                id="motcua.E003",
            )
        )
    return errors


def stand_ins() -> list[CheckWarning]:
    """Stand-ins and demo addresses that a commune's real server should not keep."""
    warnings = []
    if settings.MOTCUA_DVCQG_ADAPTER == FAKE_NATIONAL_PORTAL:
        warnings.append(
            CheckWarning(
                _(
                    "MOTCUA_DVCQG_ADAPTER là 'fake': hồ sơ và trạng thái không được đồng bộ lên "
                    "Cổng Dịch vụ công quốc gia, chỉ được ghi lại trong cơ sở dữ liệu."
                ),
                hint=_(
                    "Đặt MOTCUA_DVCQG_ADAPTER=http cùng MOTCUA_DVCQG_URL, MOTCUA_DVCQG_USERNAME và "
                    "MOTCUA_DVCQG_PASSWORD của đơn vị."
                ),
                id="motcua.W001",
            )
        )
    sms = settings.MOTCUA_NOTIFY_ADAPTERS.get("sms", "")
    if _is_stand_in_sms(sms):
        warnings.append(
            CheckWarning(
                _(
                    "MOTCUA_NOTIFY_SMS là %(adapter)s: tin nhắn SMS, kể cả mã đăng nhập của công "
                    "dân, không được gửi đi mà chỉ được in ra hoặc ghi vào tệp."
                )
                % {"adapter": sms},
                hint=_(
                    "Đặt MOTCUA_NOTIFY_SMS=motcua.notify.adapters.SmsHttpAdapter cùng "
                    "MOTCUA_SMS_URL và MOTCUA_SMS_TOKEN của cổng SMS."
                ),
                id="motcua.W002",
            )
        )
    if not settings.PUBLIC_BASE_URL.startswith("https://"):
        warnings.append(
            CheckWarning(
                _(
                    "MOTCUA_PUBLIC_BASE_URL là %(url)s: mã QR trên biên nhận và đường dẫn trong "
                    "tin nhắn gửi công dân trỏ tới địa chỉ này, không phải một địa chỉ https://."
                )
                % {"url": settings.PUBLIC_BASE_URL},
                hint=_(
                    "Đặt MOTCUA_PUBLIC_BASE_URL bằng địa chỉ công khai của trang, ví dụ "
                    "https://motcua.xa-a.gov.vn."
                ),
                id="motcua.W003",
            )
        )
    return warnings


# Which stand-in warning ``MOTCUA_ALLOW_STAND_INS`` may accept for a real server, by its name there.
ACKNOWLEDGEABLE = {"dvcqg": "motcua.W001", "sms": "motcua.W002"}


def unacknowledged_stand_ins() -> list[CheckWarning]:
    """The national-portal and SMS stand-ins the operator did not accept by name: a real server
    refuses to start with them (``startup.refuse_insecure_start``)."""
    accepted = {ACKNOWLEDGEABLE[n] for n in settings.MOTCUA_ALLOW_STAND_INS if n in ACKNOWLEDGEABLE}
    return [w for w in stand_ins() if w.id in ACKNOWLEDGEABLE.values() and w.id not in accepted]


def _is_stand_in_sms(path: str) -> bool:
    """The console and file adapters only print or write the message (the demo's, the tests')."""
    from motcua.notify.adapters import ConsoleAdapter, FileAdapter

    try:
        adapter = import_string(path)
    except ImportError:
        return False  # not a stand-in; the outbox reports the wrong path when it first sends
    return isinstance(adapter, type) and issubclass(adapter, ConsoleAdapter | FileAdapter)


@register(Tags.security, deploy=True)
def check_deployment(app_configs=None, **kwargs):
    return [*unsafe_to_serve(), *stand_ins()]
