"""Staff accounts: who a person is, which commune they work for, and what role they hold there.

Who may do what to which object (architecture.md's one access rule) is the table of
``motcua.accounts.access``; this module only stores the facts it reads: the role, the commune or
province, whether the account is active.
"""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RECEPTION = "reception", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo UBND xã")
    COMMUNE_ADMIN = "commune_admin", _("Quản trị xã")
    PROVINCE_MONITOR = "province_monitor", _("Giám sát cấp tỉnh")
    # A member of the commune's community digital-transformation team: helps residents file
    # online (assisted submission) and sees only the dossiers they filed.
    VOLUNTEER = "volunteer", _("Tổ công nghệ số cộng đồng")
    # Answers the province's hotline (Huế: 1900 1075): types in residents' calls as reports for
    # any commune of the province and reads the published answers back to callers.
    HOTLINE_OPERATOR = "hotline_operator", _("Tổng đài viên đường dây nóng")


# Roles that work for a province rather than a commune.
PROVINCE_ROLES = (Role.PROVINCE_MONITOR, Role.HOTLINE_OPERATOR)


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("xã/phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    province = models.ForeignKey(
        "units.Province",
        verbose_name=_("tỉnh/thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitors",
        help_text=_("Chỉ dùng cho vai trò giám sát cấp tỉnh và tổng đài viên."),
    )
    job_title = models.CharField(_("chức danh"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        constraints = [
            models.CheckConstraint(
                name="monitor_has_province_officer_has_commune",
                condition=(
                    models.Q(role="")
                    | models.Q(role__in=PROVINCE_ROLES, province__isnull=False)
                    | (~models.Q(role__in=PROVINCE_ROLES) & models.Q(commune__isnull=False))
                ),
                violation_error_message=_(
                    "Giám sát cấp tỉnh và tổng đài viên cần có tỉnh; các vai trò khác cần có "
                    "xã/phường."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Vietnamese order: family and middle names (``last_name``) before the given name."""
        return f"{self.last_name} {self.first_name}".strip()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the staff API. Only its SHA-256 is stored; the raw token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def new_raw_token() -> str:
        return "mc_" + secrets.token_urlsafe(32)
