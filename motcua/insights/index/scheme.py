"""The criteria of the service index as data, versioned by the date they take effect.

Each file ``schemes/<YYYY-MM-DD>.json`` is one complete scheme: its groups, its criteria (points,
shape, threshold, level, zero rule and how the ratio is formed from the Appendix A inputs), the
groups the portal-compatible rounding applies to, and the reference rating bands. The file name is
the day the scheme takes effect; ``scheme_for(day)`` picks the latest one that is in force on that
day. So when the portal changes a point value, a new file is added and months before that day
keep being scored as they were.

A file is checked completely when it is loaded; a mistake raises ``SchemeError`` naming the file,
the place in it and what is wrong. Loaded files are cached per directory (``clear_cache``).
The directory is ``settings.MOTCUA_INDEX_SCHEMES_DIR`` when set, else the one shipped here.

How each ratio kind is formed (``RATIO_KINDS`` lists the inputs each needs):

- ``share``: sum of the ``numerator`` inputs ÷ the ``denominator`` input.
- ``sync`` (1.4): synced ÷ max(reported, synced).
- ``share_times_sync`` (3.3): numerator ÷ denominator × the 1.4 sync ratio.
- ``complement`` (5.3): (denominator − sum of ``subtract``) ÷ denominator.
- ``receiving_satisfaction`` (5.4): (received − (received − on_time) − flagged) ÷ received.
- ``flag`` (4.x): 1 when the yes/no input is true, else 0.
"""

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.insights.index import inputs as index_inputs

SCHEMES_DIR = Path(__file__).resolve().parent / "schemes"
_FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")

LINEAR, THRESHOLD = "linear", "threshold"
SHAPES = (LINEAR, THRESHOLD)
LEVELS = {"province": index_inputs.PROVINCE_LEVEL, "commune": index_inputs.COMMUNE}
ZERO, FULL = "zero", "full"
ZERO_RULES = (ZERO, FULL)

# Ratio kind → its roles: a list of input names (True) or a single input name (False).
RATIO_KINDS: dict[str, dict[str, bool]] = {
    "share": {"numerator": True, "denominator": False},
    "sync": {"synced": False, "reported": False},
    "share_times_sync": {
        "numerator": True,
        "denominator": False,
        "synced": False,
        "reported": False,
    },
    "complement": {"subtract": True, "denominator": False},
    "receiving_satisfaction": {"received": False, "on_time": False, "flagged": False},
    "flag": {"input": False},
}


class SchemeError(ValueError):
    """A scheme file that cannot be used, or no scheme in force on a day."""


def localized(vi: str, en: str) -> str:
    return en if (get_language() or "vi").startswith("en") else vi


@dataclass(frozen=True)
class RatioSpec:
    kind: str
    roles: dict = field(hash=False)  # role → input name, or tuple of input names

    def names(self, role: str) -> tuple[str, ...]:
        value = self.roles[role]
        return value if isinstance(value, tuple) else (value,)

    def input_names(self) -> tuple[str, ...]:
        return tuple(name for role in self.roles for name in self.names(role))


@dataclass(frozen=True)
class Criterion:
    key: str  # as in Appendix B, e.g. "2.1_ON_TIME"
    code: str  # "2.1"
    group: str
    name_vi: str
    name_en: str
    max: Decimal
    shape: str
    threshold: Fraction | None  # only for the threshold shape
    level: str  # "province" (inherited by every commune) or "commune"
    zero: str  # points when the denominator is 0: "zero" or "full"
    ratio: RatioSpec

    @property
    def name(self) -> str:
        return localized(self.name_vi, self.name_en)


@dataclass(frozen=True)
class Group:
    key: str
    name_vi: str
    name_en: str
    max: Decimal
    criteria: tuple[str, ...]  # criterion keys, in order

    @property
    def name(self) -> str:
        return localized(self.name_vi, self.name_en)


@dataclass(frozen=True)
class RatingBand:
    key: str
    name_vi: str
    name_en: str
    min: Decimal  # inclusive lower bound of the total

    @property
    def name(self) -> str:
        return localized(self.name_vi, self.name_en)


@dataclass(frozen=True)
class Scheme:
    version: str  # the effective date as written in the file name, e.g. "2022-08-01"
    effective_from: date
    title_vi: str
    title_en: str
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]
    portal_compatible_groups: frozenset[str]
    rating_label_vi: str
    rating_label_en: str
    rating_bands: tuple[RatingBand, ...]  # highest first

    def criterion(self, key: str) -> Criterion:
        return next(c for c in self.criteria if c.key == key)

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)

    @property
    def max_total(self) -> Decimal:
        return sum((g.max for g in self.groups), Decimal(0))

    def band_for(self, total: Decimal) -> RatingBand | None:
        """The reference rating (service_index.md §6, a proposal, not an official band)."""
        return next((band for band in self.rating_bands if total >= band.min), None)


# --------------------------------------------------------------------------- finding schemes


def schemes_dir() -> Path:
    configured = getattr(settings, "MOTCUA_INDEX_SCHEMES_DIR", None)
    return Path(configured) if configured else SCHEMES_DIR


def schemes(directory: Path | str | None = None) -> tuple[Scheme, ...]:
    """Every scheme of ``directory`` (default ``schemes_dir()``), oldest first."""
    return _load_dir(str(Path(directory) if directory else schemes_dir()))


def scheme_for(day: date, directory: Path | str | None = None) -> Scheme:
    """The scheme in force on ``day``: the one with the latest effective date ≤ ``day``."""
    in_force = [s for s in schemes(directory) if s.effective_from <= day]
    if not in_force:
        raise SchemeError(
            _("Không có bộ tiêu chí nào có hiệu lực vào ngày %(day)s.") % {"day": day.isoformat()}
        )
    return in_force[-1]


def clear_cache() -> None:
    _load_dir.cache_clear()


@functools.cache
def _load_dir(directory: str) -> tuple[Scheme, ...]:
    folder = Path(directory)
    if not folder.is_dir():
        raise SchemeError(_("Không có thư mục bộ tiêu chí %(dir)s.") % {"dir": folder})
    found = tuple(sorted((load_scheme(p) for p in folder.glob("*.json")), key=lambda s: s.version))
    if not found:
        raise SchemeError(_("Thư mục %(dir)s không có tệp bộ tiêu chí nào.") % {"dir": folder})
    return found


def load_scheme(path: Path) -> Scheme:
    """Read and check one scheme file (not cached)."""
    where = _Where(path.name)
    match = _FILE_NAME.match(path.name)
    if not match:
        raise where.error(_("tên tệp phải là ngày có hiệu lực, dạng YYYY-MM-DD.json"))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise where.error(_("không đọc được JSON (%(error)s)") % {"error": exc}) from exc
    return _scheme(data, match.group(1), where)


# --------------------------------------------------------------------------- checking a file


class _Where:
    """Where in a file a value sits, for error messages: ``2022-08-01.json, criteria[3].max``."""

    def __init__(self, file: str, trail: str = ""):
        self.file, self.trail = file, trail

    def __truediv__(self, part) -> "_Where":
        step = f"[{part}]" if isinstance(part, int) else (f".{part}" if self.trail else part)
        return _Where(self.file, self.trail + step)

    def error(self, problem: str) -> SchemeError:
        place = f"{self.file}, {self.trail}" if self.trail else self.file
        return SchemeError(f"{place}: {problem}")


def _get(obj, key: str, where: _Where, kind: type | tuple = str):
    if not isinstance(obj, dict):
        raise where.error(_("phải là một đối tượng JSON"))
    if key not in obj:
        raise (where / key).error(_("thiếu mục này"))
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise (where / key).error(_("kiểu giá trị không đúng"))
    return value


def _choice(obj, key: str, choices, where: _Where) -> str:
    value = _get(obj, key, where)
    if value not in choices:
        raise (where / key).error(
            _("phải là một trong: %(choices)s") % {"choices": ", ".join(choices)}
        )
    return value


def _decimal(obj, key: str, where: _Where) -> Decimal:
    value = _get(obj, key, where, (int, str))
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise (where / key).error(_('phải là một số, ví dụ 6 hoặc "0.8"')) from exc
    if not number.is_finite() or number < 0:
        raise (where / key).error(_("phải là một số không âm"))
    return number


def _list(obj, key: str, where: _Where) -> list:
    value = _get(obj, key, where, list)
    if not value:
        raise (where / key).error(_("không được để trống"))
    return value


def _scheme(data, version: str, where: _Where) -> Scheme:
    effective = _get(data, "effective_from", where)
    if effective != version:
        raise (where / "effective_from").error(
            _("phải trùng với tên tệp (%(version)s)") % {"version": version}
        )
    title = _get(data, "title", where, dict)
    criteria = tuple(
        _criterion(item, where / "criteria" / i)
        for i, item in enumerate(_list(data, "criteria", where))
    )
    _unique([c.key for c in criteria], where / "criteria", "key")
    raw_groups = _list(data, "groups", where)
    group_keys = [_get(item, "key", where / "groups" / i) for i, item in enumerate(raw_groups)]
    _unique(group_keys, where / "groups", "key")
    _check_groups_of_criteria(criteria, set(group_keys), where)
    groups = tuple(
        _group(item, criteria, where / "groups" / i) for i, item in enumerate(raw_groups)
    )
    portal_groups = frozenset(_get(data, "portal_compatible_groups", where, list))
    unknown = portal_groups - {g.key for g in groups}
    if unknown:
        raise (where / "portal_compatible_groups").error(
            _("không có nhóm %(keys)s") % {"keys": ", ".join(sorted(unknown))}
        )
    bands = _get(data, "rating_bands", where, dict)
    return Scheme(
        version=version,
        effective_from=date.fromisoformat(version),
        title_vi=_get(title, "vi", where / "title"),
        title_en=_get(title, "en", where / "title"),
        groups=groups,
        criteria=criteria,
        portal_compatible_groups=portal_groups,
        rating_label_vi=_get(bands, "label_vi", where / "rating_bands"),
        rating_label_en=_get(bands, "label_en", where / "rating_bands"),
        rating_bands=_bands(bands, where / "rating_bands"),
    )


def _unique(keys: list[str], where: _Where, name: str) -> None:
    seen = set()
    for key in keys:
        if key in seen:
            raise where.error(_("“%(key)s” lặp lại ở mục %(name)s") % {"key": key, "name": name})
        seen.add(key)


def _criterion(item, where: _Where) -> Criterion:
    shape = _choice(item, "shape", SHAPES, where)
    threshold = None
    if shape == THRESHOLD:
        threshold = Fraction(_decimal(item, "threshold", where))
        if not 0 < threshold <= 1:
            raise (where / "threshold").error(_("ngưỡng phải lớn hơn 0 và không quá 1"))
    elif "threshold" in item:
        raise (where / "threshold").error(_("chỉ tiêu chí dạng threshold mới có ngưỡng"))
    level = _choice(item, "level", tuple(LEVELS), where)
    return Criterion(
        key=_get(item, "key", where),
        code=_get(item, "code", where),
        group=_get(item, "group", where),
        name_vi=_get(item, "name_vi", where),
        name_en=_get(item, "name_en", where),
        max=_decimal(item, "max", where),
        shape=shape,
        threshold=threshold,
        level=level,
        zero=_choice(item, "zero", ZERO_RULES, where),
        ratio=_ratio(_get(item, "ratio", where, dict), LEVELS[level], where / "ratio"),
    )


def _ratio(spec: dict, section: str, where: _Where) -> RatioSpec:
    kind = _choice(spec, "kind", tuple(RATIO_KINDS), where)
    roles = {}
    for role, many in RATIO_KINDS[kind].items():
        if many:
            names = _list(spec, role, where)
            for i, name in enumerate(names):
                _check_input(name, section, kind, where / role / i)
            roles[role] = tuple(names)
        else:
            roles[role] = _check_input(_get(spec, role, where), section, kind, where / role)
    extra = set(spec) - set(RATIO_KINDS[kind]) - {"kind"}
    if extra:
        raise where.error(
            _("kiểu %(kind)s không dùng mục %(keys)s")
            % {"kind": kind, "keys": ", ".join(sorted(extra))}
        )
    return RatioSpec(kind, roles)


def _check_input(name, section: str, kind: str, where: _Where) -> str:
    field_ = index_inputs.BY_NAME.get(name) if isinstance(name, str) else None
    if field_ is None:
        raise where.error(_("không có số liệu đầu vào tên “%(name)s”") % {"name": name})
    if field_.section != section:
        raise where.error(
            _("“%(name)s” thuộc phần %(section)s, không dùng được cho tiêu chí cấp này")
            % {"name": name, "section": field_.section}
        )
    wanted = index_inputs.FLAG if kind == "flag" else index_inputs.COUNT
    if field_.kind != wanted:
        raise where.error(
            _("“%(name)s” không dùng được cho kiểu %(kind)s") % {"name": name, "kind": kind}
        )
    return name


def _group(item, criteria: tuple[Criterion, ...], where: _Where) -> Group:
    key = _get(item, "key", where)
    members = tuple(c for c in criteria if c.group == key)
    if not members:
        raise where.error(_("nhóm “%(key)s” không có tiêu chí nào") % {"key": key})
    group = Group(
        key=key,
        name_vi=_get(item, "name_vi", where),
        name_en=_get(item, "name_en", where),
        max=_decimal(item, "max", where),
        criteria=tuple(c.key for c in members),
    )
    points = sum((c.max for c in members), Decimal(0))
    if points != group.max:
        raise (where / "max").error(
            _("tổng điểm các tiêu chí của nhóm là %(sum)s, khác %(max)s")
            % {"sum": points, "max": group.max}
        )
    return group


def _check_groups_of_criteria(criteria, keys: set[str], where: _Where) -> None:
    for i, criterion in enumerate(criteria):
        if criterion.group not in keys:
            raise (where / "criteria" / i / "group").error(
                _("không có nhóm “%(key)s”") % {"key": criterion.group}
            )


def _bands(data: dict, where: _Where) -> tuple[RatingBand, ...]:
    bands = tuple(
        RatingBand(
            key=_get(item, "key", where / "bands" / i),
            name_vi=_get(item, "name_vi", where / "bands" / i),
            name_en=_get(item, "name_en", where / "bands" / i),
            min=_decimal(item, "min", where / "bands" / i),
        )
        for i, item in enumerate(_list(data, "bands", where))
    )
    mins = [band.min for band in bands]
    if mins != sorted(set(mins), reverse=True) or mins[-1] != 0:
        raise (where / "bands").error(_("ngưỡng dưới phải giảm dần và mức cuối cùng là 0"))
    return bands
