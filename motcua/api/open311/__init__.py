"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at ``/open311/v2/``.

Existing civic-reporting apps read the communes' services (the report categories) and reports, and
file reports that become the same ``Petition`` as one sent from the portal (``petitions.services
.submit`` with the ``open311`` channel). Every endpoint answers in ``.json`` and ``.xml`` from one
dict (``serialisers``), so both formats carry the same fields and values; refusals are the spec's
error list in the format asked for (``errors``). Client guide: docs/open311.md.
"""
