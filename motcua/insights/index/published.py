"""The National Public Service Portal's published index figures: reading a file, storing the rows.

The file has the shape of ``motcua/data/hanoi_service_index_2026-10.json``:
``{"meta": {"snapshot": {"period", "captured_at", "province", ...}, ...}, "communes": [...]}``,
each commune with the portal's ``code`` and ``name`` ("UBND xã Ba Vì"), its scoring ``inputs``
(Appendix A names) and the ``published`` scores (Appendix B keys). ``read_portal_file`` checks the
whole file and finds each unit's commune before anything is written; a problem names the row
(``communes[12]``, with the portal code and name) and says what to do. ``import_published`` then
stores one ``PublishedIndex`` row per commune and period, in one transaction, idempotently.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.batching import ProgressCallback, no_progress
from motcua.insights.index.inputs import validate_inputs
from motcua.insights.index.scheme import Scheme, scheme_for
from motcua.insights.models import PublishedIndex
from motcua.insights.periods import Period, month_of, quarter_of, year_of
from motcua.text import nfc
from motcua.units.importers import DataFileError, Tally
from motcua.units.models import Commune, Province

PORTAL_FILE = "hanoi_service_index_2026-10.json"

_UBND_PREFIX = re.compile(r"^UBND\s+", re.IGNORECASE)
# The five Vietnamese tone marks (huyền, sắc, ngã, hỏi, nặng) as combining characters.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


@dataclass(frozen=True)
class PublishedRow:
    position: int  # index in the file's "communes" list
    portal_code: str
    portal_name: str
    commune: Commune
    inputs: dict
    published: dict
    total: Decimal


@dataclass(frozen=True)
class PortalFile:
    province: Province
    period_kind: str  # month / quarter / year
    period_start: date
    captured_at: datetime
    rows: list[PublishedRow]

    @property
    def period(self) -> Period:
        if self.period_kind == "year":
            return year_of(self.period_start.year)
        if self.period_kind == "quarter":
            return quarter_of(self.period_start)
        return month_of(self.period_start)


# --------------------------------------------------------------------------- matching names


def name_key(name: str) -> str:
    """A commune name as the portal and the unit register both write it, compared without case
    and without caring *where* a tone mark sits: "Hoà" and "Hòa" meet (the register writes the
    modern "Hòa", the portal the older "Hoà"), but "Hòa" and "Hóa" or "Hòa" and "Hoa" do not.
    Each word keeps its letters (with ô, ă, ơ, ư, đ intact) and its tone, only not its place."""
    words = []
    for word in nfc(name).casefold().split():
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(ch for ch in decomposed if ch in _TONE_MARKS)
        letters = unicodedata.normalize(
            "NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
        )
        words.append(letters + tones)
    return " ".join(words)


def commune_name_of(portal_name: str) -> str:
    """The unit's own name inside the portal's name of its people's committee:
    "UBND xã Ba Vì" → "xã Ba Vì"."""
    return _UBND_PREFIX.sub("", nfc(portal_name))


def _communes_by_key(province: Province, day: date) -> dict[str, list[Commune]]:
    found: dict[str, list[Commune]] = {}
    for commune in Commune.objects.current(day).filter(province=province):
        found.setdefault(name_key(commune.name), []).append(commune)
    return found


# --------------------------------------------------------------------------- reading the file


def read_portal_file(path: Path, *, province_code: str | None = None) -> PortalFile:
    """The checked content of the file at ``path``; raises ``DataFileError`` listing every
    problem. ``province_code`` (e.g. "01") picks the province; by default it is found by the
    name in ``meta.snapshot.province.name``."""
    data = _load_json(path)
    snapshot = _snapshot(data)
    period_kind, period_start = _period(snapshot.get("period"))
    captured_at = _captured_at(snapshot.get("captured_at"))
    day = captured_at.date()
    province = _province(snapshot.get("province"), province_code, day)
    entries = data.get("communes")
    if not isinstance(entries, list) or not entries:
        raise DataFileError([_("Tệp không có danh sách “communes” (các xã/phường).")])
    scheme = scheme_for(period_start)
    communes = _communes_by_key(province, day)
    rows, problems = [], []
    for position, entry in enumerate(entries):
        try:
            rows.append(_row(position, entry, scheme, communes, province))
        except _RowProblem as problem:
            problems.append(str(problem))
    problems += _duplicates(rows)
    if problems:
        raise DataFileError(problems)
    return PortalFile(province, period_kind, period_start, captured_at, rows)


class _RowProblem(Exception):
    pass


def _load_json(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataFileError([_("Không có tệp %(path)s.") % {"path": path}]) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(
            [
                _('Không đọc được JSON (%(error)s): cần tệp UTF-8 dạng {"meta", "communes"}.')
                % {"error": exc}
            ]
        ) from exc
    if not isinstance(data, dict):
        raise DataFileError([_('Tệp phải là một đối tượng JSON {"meta", "communes"}.')])
    return data


def _snapshot(data: dict) -> dict:
    meta = data.get("meta")
    snapshot = meta.get("snapshot") if isinstance(meta, dict) else None
    if not isinstance(snapshot, dict):
        raise DataFileError([_("Thiếu mục meta.snapshot (kỳ số liệu, thời điểm lấy, tỉnh).")])
    return snapshot


def _period(period) -> tuple[str, date]:
    """``{"timeType": "year", "year": 2026}`` → ("year", 2026-01-01); month and quarter too."""
    if not isinstance(period, dict):
        raise DataFileError([_("Thiếu mục meta.snapshot.period (timeType, year, …).")])
    kind, year = period.get("timeType"), period.get("year")
    try:
        if kind == "year":
            return kind, date(year, 1, 1)
        if kind == "quarter":
            return kind, date(year, 3 * (period["quarter"] - 1) + 1, 1)
        if kind == "month":
            return kind, date(year, period["month"], 1)
    except (KeyError, TypeError, ValueError):
        pass
    raise DataFileError(
        [
            _(
                "meta.snapshot.period không đọc được (%(period)s): cần timeType “year”, “quarter” "
                "hoặc “month” cùng year (và quarter/month)."
            )
            % {"period": json.dumps(period, ensure_ascii=False)}
        ]
    )


def _captured_at(value) -> datetime:
    """The leading ISO time of ``meta.snapshot.captured_at``, e.g. "2026-10-09T22:01:12Z (…)"."""
    try:
        captured = datetime.fromisoformat(str(value).split()[0])
    except (IndexError, ValueError):
        captured = None
    if captured is None or captured.tzinfo is None:
        raise DataFileError(
            [
                _(
                    "meta.snapshot.captured_at phải bắt đầu bằng thời điểm ISO có múi giờ, ví dụ "
                    "2026-10-09T22:01:12Z."
                )
            ]
        )
    return captured


def _province(meta_province, code: str | None, day: date) -> Province:
    provinces = Province.objects.current(day)
    if code:
        found = provinces.filter(code=code).first()
        wanted = code
    else:
        name = meta_province.get("name") if isinstance(meta_province, dict) else None
        found = provinces.filter(name=nfc(name)).first() if isinstance(name, str) else None
        wanted = name or "?"
    if found is None:
        raise DataFileError(
            [
                _(
                    "Không có tỉnh/thành phố “%(province)s” trong cơ sở dữ liệu: nhập đơn vị hành "
                    "chính trước (motcua import_units) hoặc chọn tỉnh bằng --province <mã>."
                )
                % {"province": wanted}
            ]
        )
    return found


def _row(position: int, entry, scheme: Scheme, communes: dict, province: Province) -> PublishedRow:
    if not isinstance(entry, dict):
        raise _RowProblem(_("communes[%(i)d]: phải là một đối tượng JSON.") % {"i": position})
    code, name = entry.get("code"), entry.get("name")
    where = f"communes[{position}] ({code}, {name})"
    if not isinstance(code, str) or not code or not isinstance(name, str) or not name:
        raise _RowProblem(_("%(where)s: thiếu “code” hoặc “name”.") % {"where": where})
    try:
        inputs = validate_inputs(entry.get("inputs"))
    except ValidationError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise _RowProblem(
            _("%(where)s: số liệu đầu vào sai — %(details)s") % {"where": where, "details": details}
        ) from exc
    published, total = _published(entry.get("published"), scheme, where)
    return PublishedRow(
        position=position,
        portal_code=code,
        portal_name=name,
        commune=_match(name, communes, province, where),
        inputs=inputs,
        published={
            **published,
            "portal_name": name,
            "portal_extra": entry.get("portal_extra") or {},
        },
        total=total,
    )


def _published(published, scheme: Scheme, where: str) -> tuple[dict, Decimal]:
    """The ``published`` block checked against the scheme: criterion scores for known criteria
    only (the portal leaves some out), all group scores, and the total (0–100, 2 decimals)."""
    if not isinstance(published, dict):
        raise _RowProblem(_("%(where)s: thiếu mục “published”.") % {"where": where})
    criteria, groups = published.get("criteria"), published.get("groups")
    known = {c.key for c in scheme.criteria}
    group_keys = {g.key for g in scheme.groups}
    if (
        not isinstance(criteria, dict)
        or not set(criteria) <= known
        or not isinstance(groups, dict)
        or set(groups) != group_keys
    ):
        raise _RowProblem(
            _(
                "%(where)s: “published” phải có “criteria” (khóa như “2.1_ON_TIME”) và “groups” "
                "với đủ sáu nhóm (%(groups)s)."
            )
            % {"where": where, "groups": ", ".join(g.key for g in scheme.groups)}
        )
    values = [*criteria.values(), *groups.values(), published.get("total")]
    if not all(_is_score(v) for v in values):
        raise _RowProblem(
            _("%(where)s: điểm công bố phải là số từ 0 đến 100, tối đa 2 chữ số thập phân.")
            % {"where": where}
        )
    return (
        {"criteria": criteria, "groups": groups, "total": published["total"]},
        Decimal(str(published["total"])),
    )


def _is_score(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    number = Decimal(str(value))
    return 0 <= number <= 100 and number == number.quantize(Decimal("0.01"))


def _match(portal_name: str, communes: dict, province: Province, where: str) -> Commune:
    found = communes.get(name_key(commune_name_of(portal_name)), [])
    if len(found) == 1:
        return found[0]
    if not found:
        raise _RowProblem(
            _(
                "%(where)s: không có xã/phường nào tên “%(name)s” ở %(province)s. Kiểm tra tên "
                "trong tệp (dạng “UBND xã Ba Vì”), hoặc nhập danh mục đơn vị hành chính mới hơn "
                "(motcua import_units)."
            )
            % {"where": where, "name": commune_name_of(portal_name), "province": province}
        )
    raise _RowProblem(
        _(
            "%(where)s: có %(n)d xã/phường cùng tên “%(name)s” ở %(province)s; không biết chọn "
            "xã nào. Sửa tên trong tệp cho khớp đúng một xã."
        )
        % {
            "where": where,
            "n": len(found),
            "name": commune_name_of(portal_name),
            "province": province,
        }
    )


def _duplicates(rows: list[PublishedRow]) -> list[str]:
    problems, seen_codes, seen_communes = [], {}, {}
    for row in rows:
        for seen, key in ((seen_codes, row.portal_code), (seen_communes, row.commune.pk)):
            if key in seen:
                problems.append(
                    _(
                        "communes[%(i)d] (%(code)s, %(name)s): trùng đơn vị với communes[%(j)d]; "
                        "mỗi xã/phường chỉ được có một dòng."
                    )
                    % {
                        "i": row.position,
                        "code": row.portal_code,
                        "name": row.portal_name,
                        "j": seen[key],
                    }
                )
            seen.setdefault(key, row.position)
    return problems


# --------------------------------------------------------------------------- storing


@transaction.atomic
def import_published(
    portal_file: PortalFile, *, on_progress: ProgressCallback = no_progress
) -> Tally:
    """Create or update one ``PublishedIndex`` per row (commune, period kind, period start).
    Running it twice changes nothing and reports every row as unchanged."""
    tally = Tally()
    existing = {
        row.commune_id: row
        for row in PublishedIndex.objects.filter(
            period_kind=portal_file.period_kind,
            period_start=portal_file.period_start,
            commune__in=[r.commune for r in portal_file.rows],
        )
    }
    for row in portal_file.rows:
        values = {
            "portal_code": row.portal_code,
            "captured_at": portal_file.captured_at,
            "inputs": row.inputs,
            "published": row.published,
            "total": row.total,
        }
        stored = existing.get(row.commune.pk)
        if stored is None:
            PublishedIndex.objects.create(
                commune=row.commune,
                period_kind=portal_file.period_kind,
                period_start=portal_file.period_start,
                **values,
            )
            tally.created += 1
        elif any(getattr(stored, name) != value for name, value in values.items()):
            PublishedIndex.objects.filter(pk=stored.pk).update(**values)
            tally.updated += 1
        else:
            tally.unchanged += 1
        on_progress(1)
    return tally
