"""Helpers for the feedback tests: a returned dossier, and the answers of a content resident."""

from motcua.dossiers.services import perform
from tests.world import vn

# The six required criteria of a dossier filed and returned at the counter.
REQUIRED = ["a", "b", "c", "d", "đ", "e"]
ALL_GOOD = dict.fromkeys(REQUIRED, "very_satisfied")


def return_at_counter(world, d):
    """Take a received dossier through the workflow to its return at the counter."""
    d = perform(d, "forward", actor=world.reception, at=vn(2025, 7, 7, 10))
    d = perform(d, "assign", actor=world.leader, at=vn(2025, 7, 7, 11), assignee=world.specialist)
    d = perform(d, "propose", actor=world.specialist, at=vn(2025, 7, 8, 9))
    d = perform(
        d, "approve", actor=world.leader, at=vn(2025, 7, 8, 14), result_summary="Giấy xác nhận"
    )
    return perform(d, "return_at_counter", actor=world.reception, at=vn(2025, 7, 9, 9))
