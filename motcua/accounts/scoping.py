"""Who may see and act on what: the one place for the commune/province scope rule.

- a superuser sees everything;
- a province monitor sees every commune of their province (read only);
- a community volunteer sees only the dossiers they filed for residents;
- every other officer sees the dossiers their commune received or must decide.
Out-of-scope objects answer 404, not 403, so their existence is not revealed.
"""

from django.db.models import Q

from motcua.accounts.models import Role, User


def dossier_scope(user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    if user.role == Role.PROVINCE_MONITOR and user.province_id:
        return Q(competent_commune__province_id=user.province_id) | Q(
            receiving_commune__province_id=user.province_id
        )
    if user.role == Role.VOLUNTEER:
        return Q(assistance__assisted_by=user)
    if user.commune_id:
        return Q(competent_commune_id=user.commune_id) | Q(receiving_commune_id=user.commune_id)
    return Q(pk__in=[])


def can_act_on_commune(user: User, commune_id: int | None) -> bool:
    """Officers act only for their own commune; monitors only watch."""
    if user.is_superuser:
        return True
    return (
        commune_id is not None
        and user.commune_id == commune_id
        and user.role not in ("", Role.PROVINCE_MONITOR, Role.VOLUNTEER)
    )


def may_act_on_dossier(user: User, dossier) -> bool:
    """Officers of the deciding commune act on its dossiers; the receiving commune's one-stop may
    also act (it hands out results of dossiers it received for another commune). Services enforce
    this; pages and the API use it to decide which actions to offer."""
    if user.is_superuser:
        return True
    if can_act_on_commune(user, dossier.competent_commune_id):
        return True
    return user.role == Role.RECEPTION and can_act_on_commune(user, dossier.receiving_commune_id)


def is_staff_officer(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user.role))
