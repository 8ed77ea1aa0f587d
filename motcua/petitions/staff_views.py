"""Officers' pages for reports (placeholder: replaced by the officer pages)."""

from django.http import HttpResponse

from motcua.accounts import access
from motcua.accounts.access import Action, Kind
from motcua.petitions.models import Petition


@access.staff_required
def detail(request, pk: int):
    petition = access.get_or_404(request.user, Kind.PETITION, Action.VIEW, Petition.objects, pk=pk)
    return HttpResponse(petition.reference)
