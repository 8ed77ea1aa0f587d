"""The priority groups every centre starts with (domain.md §10), as data.

The three groups with a national rule are active from the start. The groups that rest on local
practice only are created inactive: a centre switches them on when its own rules (nội quy) say
so, and its admin shows which is which. Head starts are minutes (see ``ordering``); the groups
with a legal right to priority get the most.
"""

from dataclasses import dataclass

from motcua.queueing.models import Strength

DECREE_118_13 = "Nghị định 118/2025/NĐ-CP, Điều 13 khoản 2 điểm b (quầy ưu tiên)"


@dataclass(frozen=True)
class GroupDefault:
    code: str
    name_vi: str
    name_en: str
    head_start_minutes: int
    legal_basis: str
    strength: str
    is_active: bool


DEFAULT_PRIORITY_GROUPS: tuple[GroupDefault, ...] = (
    GroupDefault(
        "elderly",
        "Người cao tuổi (từ đủ 60 tuổi)",
        "Older people (aged 60 or over)",
        30,
        "Luật Người cao tuổi 2009, Điều 2 và Điều 3 khoản 1 điểm c (được ưu tiên khi sử dụng "
        f"dịch vụ); {DECREE_118_13}",
        Strength.RULE,
        True,
    ),
    GroupDefault(
        "disability",
        "Người khuyết tật",
        "People with disabilities",
        30,
        f"{DECREE_118_13}; Luật Người khuyết tật 2010 (chính sách ưu tiên)",
        Strength.RULE,
        True,
    ),
    GroupDefault(
        "pregnant",
        "Phụ nữ mang thai",
        "Pregnant women",
        30,
        DECREE_118_13,
        Strength.RULE,
        True,
    ),
    GroupDefault(
        "small_children",
        "Người đi cùng con nhỏ",
        "People with small children",
        15,
        "Không có quy định chung của quốc gia; chỉ áp dụng nếu nội quy của trung tâm quy định.",
        Strength.PRACTICE,
        False,
    ),
    GroupDefault(
        "ethnic_minority",
        "Người dân tộc thiểu số",
        "Ethnic minority people",
        15,
        "Không có quy định chung của quốc gia; chỉ áp dụng nếu nội quy của trung tâm quy định.",
        Strength.PRACTICE,
        False,
    ),
    GroupDefault(
        "meritorious",
        "Người có công với cách mạng",
        "People with meritorious service to the revolution",
        15,
        "Không có quy định chung của quốc gia; chỉ áp dụng nếu nội quy của trung tâm quy định.",
        Strength.PRACTICE,
        False,
    ),
)
