"""What a dossier costs the applicant: the fee due for a procedure by the channel it comes in.

The catalogue keeps one amount per procedure (``Procedure.fee_vnd``, with ``fee_note``), and is
growing per-channel fees (``Procedure.channels``: a list of ``{"method": "DIRECT" | "ONLINE" |
"POSTAL", "fees": [{"kind", "amount_vnd", "text"}], ...}``), because many fees are lower online
(residence: 20,000 at the counter, 10,000 online). ``fee_due`` reads the channel's fees when the
procedure has them and falls back to the single amount otherwise, so it works with either shape.
"""

from dataclasses import dataclass, field

from motcua.catalog.portal import FEE_KIND_LABELS
from motcua.dossiers.models import Channel

# The catalogue's channel names for the dossier's channel codes (domain.md §4).
CHANNEL_METHODS = {
    Channel.COUNTER: "DIRECT",
    Channel.ONLINE: "ONLINE",
    Channel.POST: "POSTAL",
}


@dataclass(frozen=True)
class FeeLine:
    kind: str  # "Lệ phí", "Phí", "Mức giá" in the reader's language ("" when not said)
    amount_vnd: int | None  # None: set locally or not known
    text: str = ""


@dataclass(frozen=True)
class FeeDue:
    """The fee due for one procedure by one channel.

    ``amount_vnd`` is the sum of the known amounts (0 = free), or None when no amount is known
    (the fee is set by the provincial People's Council, or the catalogue has none): the officer
    then reads ``note`` and enters what the applicant pays.
    """

    amount_vnd: int | None
    lines: tuple[FeeLine, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def is_free(self) -> bool:
        return self.amount_vnd == 0

    @property
    def applies(self) -> bool:
        """Something may have to be paid: a known amount above zero, or an unknown one."""
        return self.amount_vnd != 0


def fee_due(procedure, channel) -> FeeDue:
    """The fee due for ``procedure`` filed by ``channel`` (a ``Channel`` code or a catalogue
    method name such as "DIRECT").

    Uses the procedure's per-channel fees when it has a non-empty ``channels`` list with an entry
    for this channel; otherwise the single ``fee_vnd`` amount, ``fee_note`` as the note.
    """
    method = CHANNEL_METHODS.get(channel, channel)
    channels = getattr(procedure, "channels", None) or []
    note = getattr(procedure, "fee_note", "") or ""
    for entry in channels if isinstance(channels, list) else []:
        if not isinstance(entry, dict) or entry.get("method") != method:
            continue
        lines = tuple(_line(f) for f in entry.get("fees") or [] if isinstance(f, dict))
        if not lines:
            break
        known = [line.amount_vnd for line in lines if line.amount_vnd is not None]
        amount = sum(known) if len(known) == len(lines) else None
        return FeeDue(amount, lines, note)
    amount = procedure.fee_vnd
    return FeeDue(amount, (FeeLine("", amount),) if amount is not None else (), note)


def _line(entry: dict) -> FeeLine:
    amount = entry.get("amount_vnd")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        amount = None
    kind = str(entry.get("kind") or "")
    # The portal's codes (FEE, SERVICE_FEE, PRICE_LEVEL) are words on a page, not codes.
    return FeeLine(FEE_KIND_LABELS.get(kind, kind), amount, str(entry.get("text") or ""))


def vnd(amount: int | None) -> str:
    """``20000`` → ``"20.000 đồng"``, the way receipts write money; "" for None."""
    if amount is None:
        return ""
    return f"{amount:,} đồng".replace(",", ".")
