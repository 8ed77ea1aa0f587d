"""Step histories built through the real workflow: a dossier received, forwarded, assigned,
proposed and approved, each step taking the working hours a test states (counted on the dossier's
centre calendar, as the figures count them)."""

from datetime import datetime
from decimal import Decimal

from motcua.accounts.models import Role, User
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.workdays import hours
from tests.world import PASSWORD


def second_specialist(world, username="a.specialist2", last_name="Lê Thị"):
    return User.objects.create_user(
        username,
        password=PASSWORD,
        role=Role.SPECIALIST,
        commune=world.a,
        first_name="Chậm",
        last_name=last_name,
    )


def later(dossier: Dossier, start: datetime, working_hours) -> datetime:
    calendar = services.calendar_of(dossier)
    return calendar.add_working_time(start, hours(Decimal(str(working_hours))))


def handled(
    world,
    received: datetime,
    *,
    reception=0.5,
    specialist=12,
    leader=2,
    by=None,
    officers=None,
) -> Dossier:
    """A dossier of commune A (or of ``officers``' commune) taken through every step up to the
    result, with each step lasting the given working hours; ``by`` is the specialist."""
    officers = officers or world.officers_a
    by = by or officers[Role.SPECIALIST]
    dossier = world.receive(at=received, officer=officers[Role.RECEPTION])
    forwarded = later(dossier, received, reception)
    services.perform(dossier, "forward", actor=officers[Role.RECEPTION], at=forwarded)
    services.perform(dossier, "assign", actor=officers[Role.LEADER], at=forwarded, assignee=by)
    proposed = later(dossier, forwarded, specialist)
    services.perform(dossier, "propose", actor=by, at=proposed)
    approved = later(dossier, proposed, leader)
    services.perform(
        dossier, "approve", actor=officers[Role.LEADER], at=approved, result_summary="Đã cấp"
    )
    dossier.refresh_from_db()
    return dossier


def at_specialist(world, received: datetime, *, reception=0.5, officers=None) -> Dossier:
    """A dossier just forwarded to the specialist (nobody assigned yet)."""
    officers = officers or world.officers_a
    dossier = world.receive(at=received, officer=officers[Role.RECEPTION])
    services.perform(
        dossier,
        "forward",
        actor=officers[Role.RECEPTION],
        at=later(dossier, received, reception),
    )
    dossier.refresh_from_db()
    return dossier
