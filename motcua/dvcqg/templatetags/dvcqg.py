from django import template

from motcua.dvcqg.queries import sync_state_of

register = template.Library()


@register.inclusion_tag("dvcqg/_sync_state.html")
def dvcqg_sync_state(dossier):
    """``{% load dvcqg %}{% dvcqg_sync_state dossier %}``: the dossier's portal sync panel, for
    pages whose view does not already pass ``sync_state`` (one query)."""
    return {"dossier": dossier, "sync_state": sync_state_of(dossier)}
