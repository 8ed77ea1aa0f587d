"""The persona table: every route of motcua × every persona, through the real pages and API.

Each staff route has a row naming the kind of object and the action it performs (the access
rule's words, ``motcua.accounts.access``) and who is let through; everybody else of the staff
personas must be refused with 404 (the object is out of their sight: its existence is not
revealed) or, where listed, 403 (they see it but may not do this). Anonymous visitors, residents
and closed accounts are sent to the sign-in page (401 on the API); accounts without a role get 403.

The expectations are written here by hand, apart from the rule's own table, so a change of the
rule shows as a change of this file. And the test enumerates every URL pattern of the project and
every operation of the API: a route with no row here — staff, residents' or public — fails, so a
new page cannot skip the rule unnoticed.
"""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from motcua.api.router import api
from tests.accounts import (
    rows_petitions_open311,
    rows_petitions_public,
    rows_petitions_staff,
    rows_petitions_stats,
)
from tests.accounts.table import (
    A_OFFICERS,
    A_STATISTICS,
    EVERY_OFFICER,
    FORBIDDEN,
    NOT_FOUND,
    OK,
    PROVINCE,
    SIGN_IN,
    UNAUTHORIZED,
    Row,
    _q,
    _r,
    code,
    commune_a,
    with_format,
)
from tests.accounts.world import MONTH, PERSONAS
from tests.docstore.conftest import pdf_bytes, upload

ALL_COMMUNE_A_FILERS = frozenset({"a.reception", "volunteer", "colleague_volunteer", "b.reception"})
AT_OWN_COMMUNE_ONLY = EVERY_OFFICER  # pages about one's own commune never answer 404

ROWS = [
    # ------------------------------------------------------------------ dossiers (desk)
    Row(
        "dossiers:inbox",
        "dossier/view (scoped list)",
        _r("dossiers:inbox"),
        ok=EVERY_OFFICER,
        secret=lambda w: w.dossier_a.code,
    ),
    Row(
        "dossiers:detail",
        "dossier/view",
        _r("dossiers:detail", code("dossier_a")),
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "dossiers:detail",
        "dossier/view (received by b for a)",
        _r("dossiers:detail", code("dossier_ba")),
        ok=A_OFFICERS | {"b.reception", "b.leader", "monitor", "superuser"},
    ),
    Row(
        "dossiers:detail",
        "dossier/view (filed by a volunteer)",
        _r("dossiers:detail", code("dossier_assisted")),
        ok=A_OFFICERS | {"volunteer", "monitor", "superuser"},
    ),
    Row(
        "dossiers:action",
        "dossier/act",
        _r("dossiers:action", code("dossier_a"), "forward"),
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "dossiers:action",
        "dossier/act (received by b for a)",
        _r("dossiers:action", code("dossier_ba"), "forward"),
        ok=A_OFFICERS | {"b.reception", "superuser"},
        forbidden={"b.leader", "monitor"},
    ),
    Row(
        "dossiers:action",
        "dossier/act (filed by a volunteer)",
        _r("dossiers:action", code("dossier_assisted"), "accept_online"),
        ok=A_OFFICERS | {"superuser"},
        forbidden={"volunteer", "monitor"},
    ),
    Row(
        "dossiers:form_pdf",
        "dossier/download",
        _r("dossiers:form_pdf", code("dossier_a"), "receipt"),
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "dossiers:document_file",
        "dossier/download",
        _r("dossiers:document_file", code("dossier_a"), lambda w: w.scan.uuid),
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "dossiers:result_file",
        "dossier/download (the result PDF)",
        _r("dossiers:result_file", code("dossier_done")),
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "dossiers:fee_receipt",
        "dossier/download (a fee receipt)",
        _r("dossiers:fee_receipt", code("dossier_done"), 1),
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "dossiers:payment",
        "dossier/collect_fee (the payment page)",
        _r("dossiers:payment", code("dossier_done")),
        ok={"a.reception", "superuser"},
        forbidden=A_OFFICERS - {"a.reception"} | {"monitor"},
    ),
    Row(
        "dossiers:payment",
        "dossier/collect_fee (received by b for a)",
        _r("dossiers:payment", code("dossier_ba")),
        ok={"a.reception", "b.reception", "superuser"},
        forbidden=A_OFFICERS - {"a.reception"} | {"b.leader", "monitor"},
    ),
    Row(
        "dossiers:payment",
        "dossier/collect_fee (record one)",
        _r("dossiers:payment", code("dossier_done")),
        method="post",
        data=lambda w: {"method": "cash", "amount_vnd": "8.000"},
        ok={"a.reception", "superuser"},
        forbidden=A_OFFICERS - {"a.reception"} | {"monitor"},
    ),
    Row(
        "dossiers:action",
        "dossier/act (approve with a result file)",
        _r("dossiers:action", code("dossier_a"), "approve"),
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "dossiers:action",
        "dossier/act (return at the counter)",
        _r("dossiers:action", code("dossier_done"), "return_at_counter"),
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "dossiers:attach_scan",
        "dossier/attach (received by b for a)",
        _r("dossiers:attach_scan", code("dossier_ba")),
        method="post",
        data=lambda w: {"position": "1", "scan": upload("scan.pdf", pdf_bytes())},
        ok={"a.reception", "a.specialist", "colleague", "b.reception", "superuser"},
        forbidden={"a.leader", "a.commune_admin", "b.leader", "monitor"},
    ),
    Row(
        "dossiers:intake",
        "commune/receive (own commune)",
        _r("dossiers:intake"),
        ok={"a.reception", "b.reception"},
        forbidden=AT_OWN_COMMUNE_ONLY - {"a.reception", "b.reception"},
    ),
    Row(
        "dossiers:intake_stored_documents",
        "commune/receive (own commune)",
        _r("dossiers:intake_stored_documents"),
        method="post",
        data=lambda w: {"procedure": w.procedure.code, "applicant_id_number": "0010"},
        ok={"a.reception", "b.reception"},
        forbidden=AT_OWN_COMMUNE_ONLY - {"a.reception", "b.reception"},
    ),
    # ------------------------------------------------------------------ the commune's procedures
    Row(
        "catalog:commune_procedures",
        "commune/view (own commune)",
        _r("catalog:commune_procedures"),
        ok=A_OFFICERS | {"volunteer", "colleague_volunteer", "b.reception", "b.leader"},
        forbidden={"monitor", "monitor_other", "hotline", "superuser"},
    ),
    Row(
        "catalog:commune_procedures",
        "commune/edit (own commune)",
        _r("catalog:commune_procedures"),
        method="post",
        data=lambda w: {"codes": [w.procedure.code]},
        ok={"a.commune_admin"},
        forbidden=AT_OWN_COMMUNE_ONLY - {"a.commune_admin"},
    ),
    # ------------------------------------------------------------------ document store trail
    Row(
        "docstore:access_log",
        "commune/audit (own commune)",
        _r("docstore:access_log"),
        ok={"a.commune_admin"},
        forbidden=AT_OWN_COMMUNE_ONLY - {"a.commune_admin"},
    ),
    Row(
        "docstore:access_log",
        "commune/audit (own commune, one number)",
        _r("docstore:access_log"),
        method="post",
        data=lambda w: {"so_dinh_danh": "001085012345"},
        ok={"a.commune_admin"},
        forbidden=AT_OWN_COMMUNE_ONLY - {"a.commune_admin"},
    ),
    # ------------------------------------------------------------------ assisted filing
    Row(
        "residents:assisted_start",
        "commune/assist (own commune)",
        _r("residents:assisted_start"),
        ok=ALL_COMMUNE_A_FILERS,
        forbidden=AT_OWN_COMMUNE_ONLY - ALL_COMMUNE_A_FILERS,
    ),
    Row(
        "residents:assisted_submit",
        "commune/assist (own commune)",
        _r("residents:assisted_submit", lambda w: w.procedure.code),
        ok=ALL_COMMUNE_A_FILERS,
        forbidden=AT_OWN_COMMUNE_ONLY - ALL_COMMUNE_A_FILERS,
    ),
    Row(
        "residents:assisted_done",
        "commune/assist + the helper's own dossier",
        _r("residents:assisted_done", code("dossier_assisted")),
        ok={"volunteer"},
        forbidden=AT_OWN_COMMUNE_ONLY - ALL_COMMUNE_A_FILERS,
    ),
    # ------------------------------------------------------------------ the queue
    Row(
        "queueing:overview",
        "queue_center/view",
        _q("queueing:overview", lambda w: f"center={w.center.pk}"),
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "queueing:overview",
        "queue_center/operate (issue a number)",
        _q("queueing:overview", lambda w: f"center={w.center.pk}"),
        method="post",
        data=lambda w: {"field": w.procedure.field.pk, "priority": "", "phone": ""},
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "queueing:stats",
        "queue_center/view",
        _q("queueing:stats", lambda w: f"center={w.center.pk}"),
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "queueing:staff_ticket",
        "ticket/view",
        _r("queueing:staff_ticket", lambda w: w.called.pk),
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "queueing:counter",
        "counter/operate (the counter's page)",
        _r("queueing:counter", lambda w: w.counter1.pk),
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "queueing:counter",
        "counter/operate (recall)",
        _r("queueing:counter", lambda w: w.counter1.pk),
        method="post",
        data=lambda w: {"action": "recall"},
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "queueing:counter",
        "ticket/change_priority",
        _r("queueing:counter", lambda w: w.counter1.pk),
        method="post",
        data=lambda w: {"action": "priority", "group": w.priority_group.pk},
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    # ------------------------------------------------------------------ statistics
    Row(
        "insights:dashboard",
        "commune_statistics/view",
        _q("insights:dashboard", commune_a),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:dashboard",
        "commune_statistics/export",
        _q("insights:dashboard", with_format(commune_a)),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:figure_dossiers",
        "commune_statistics/view",
        _q("insights:figure_dossiers", lambda w: f"{commune_a(w)}&figure=received&period={MONTH}"),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:figure_dossiers",
        "commune_statistics/export",
        _q(
            "insights:figure_dossiers",
            with_format(lambda w: f"{commune_a(w)}&figure=received&period={MONTH}"),
        ),
        ok=A_STATISTICS,
        secret=lambda w: w.dossier_a.code,
    ),
    Row(
        "insights:monthly_report",
        "commune_statistics/view",
        _q("insights:monthly_report", lambda w: f"{commune_a(w)}&period={MONTH}"),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:monthly_report",
        "commune_statistics/export",
        _q("insights:monthly_report", with_format(lambda w: f"{commune_a(w)}&period={MONTH}")),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:steps",
        "commune_statistics/view",
        _q("insights:steps", commune_a),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:steps",
        "commune_statistics/export",
        _q("insights:steps", with_format(commune_a)),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:commune_index",
        "commune_statistics/view",
        _r("insights:commune_index", lambda w: w.a.code, MONTH),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:commune_index",
        "commune_statistics/view (this month: a redirect)",
        _r("insights:commune_index", lambda w: w.a.code, "this-month"),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:commune_index",
        "commune_statistics/export",
        lambda w: _r("insights:commune_index", lambda w: w.a.code, MONTH)(w) + "?format=csv",
        ok=A_STATISTICS,
    ),
    Row(
        "insights:whatif",
        "commune_statistics/view",
        _r("insights:whatif", lambda w: w.a.code, MONTH),
        method="post",
        data=lambda w: {},
        ok=A_STATISTICS,
    ),
    Row(
        "insights:criterion",
        "commune_statistics/view",
        _r("insights:criterion", lambda w: w.a.code, MONTH, lambda w: w.criterion),
        ok=A_STATISTICS,
    ),
    Row(
        "insights:province",
        "province_statistics/view",
        _q("insights:province", lambda w: f"province=01&period={MONTH}"),
        ok=PROVINCE,
    ),
    Row(
        "insights:province",
        "province_statistics/export",
        _q("insights:province", with_format(lambda w: f"province=01&period={MONTH}")),
        ok=PROVINCE,
    ),
    Row(
        "insights:ranking",
        "province_statistics/view",
        _q("insights:ranking", lambda w: f"province=01&month={MONTH}"),
        ok=PROVINCE,
    ),
    Row(
        "insights:ranking",
        "province_statistics/export",
        _q("insights:ranking", with_format(lambda w: f"province=01&month={MONTH}")),
        ok=PROVINCE,
    ),
    Row(
        "insights:inputs",
        "index_inputs/enter",
        _q("insights:inputs", lambda w: f"province=01&month={MONTH}"),
        ok=PROVINCE,
    ),
    Row(
        "insights:inputs",
        "index_inputs/enter (save)",
        _q("insights:inputs", lambda w: f"province=01&month={MONTH}"),
        method="post",
        data=lambda w: {
            "form": "commune",
            "commune": w.a.code,
            "month": MONTH,
            "certified_copy_e_service": "on",
        },
        ok=PROVINCE,
    ),
    # ------------------------------------------------------------------ the API
    Row(
        "POST /api/v1/dossiers",
        "commune/receive (own commune)",
        lambda w: "/api/v1/dossiers",
        method="post",
        data=lambda w: {
            "procedure_code": w.procedure.code,
            "applicant": {"name": "Trần Thị Bích Ngọc", "id_number": "001085012345"},
        },
        ok={"a.reception", "b.reception"},
        forbidden=EVERY_OFFICER - {"a.reception", "b.reception"},
    ),
    Row(
        "GET /api/v1/dossiers/{code}",
        "dossier/view",
        lambda w: f"/api/v1/dossiers/{w.dossier_a.code}",
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "GET /api/v1/dossiers/{code}",
        "dossier/view (filed by a volunteer)",
        lambda w: f"/api/v1/dossiers/{w.dossier_assisted.code}",
        ok=A_OFFICERS | {"volunteer", "monitor", "superuser"},
    ),
    Row(
        "POST /api/v1/dossiers/{code}/actions/{action}",
        "dossier/act (then the workflow's role for 'forward')",
        lambda w: f"/api/v1/dossiers/{w.dossier_a.code}/actions/forward",
        method="post",
        data=lambda w: {},
        ok={"a.reception", "superuser"},
        # the monitor by the access rule; the others by the workflow's table (reception forwards)
        forbidden={"monitor", "a.specialist", "a.leader", "a.commune_admin", "colleague"},
    ),
    Row(
        "POST /api/v1/queue/tickets",
        "queue_center/operate",
        lambda w: "/api/v1/queue/tickets",
        method="post",
        data=lambda w: {"center_id": w.center.pk, "field_id": w.procedure.field.pk},
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "GET /api/v1/queue/counters/{counter_id}",
        "counter/view",
        lambda w: f"/api/v1/queue/counters/{w.counter1.pk}",
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "POST /api/v1/queue/counters/{counter_id}/call-next",
        "counter/operate",
        lambda w: f"/api/v1/queue/counters/{w.counter2.pk}/call-next",
        method="post",
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "POST /api/v1/queue/counters/{counter_id}/{action}",
        "counter/operate",
        lambda w: f"/api/v1/queue/counters/{w.counter1.pk}/recall",
        method="post",
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "POST /api/v1/queue/counters/{counter_id}/transfer",
        "counter/operate",
        lambda w: f"/api/v1/queue/counters/{w.counter1.pk}/transfer",
        method="post",
        data=lambda w: {"counter_id": w.counter2.pk},
        ok=A_OFFICERS | {"superuser"},
        forbidden={"monitor"},
    ),
    Row(
        "GET /api/v1/queue/statistics",
        "queue_center/view",
        lambda w: (
            f"/api/v1/queue/statistics?start=2025-07-01&end=2025-07-31&center_id={w.center.pk}"
        ),
        ok=A_OFFICERS | {"monitor", "superuser"},
    ),
    Row(
        "GET /api/v1/index/communes",
        "province_statistics/view",
        lambda w: f"/api/v1/index/communes?province=01&month={MONTH}",
        ok=PROVINCE,
    ),
    Row(
        "GET /api/v1/statistics/commune",
        "commune_statistics/view",
        lambda w: f"/api/v1/statistics/commune?commune={w.a.code}&period={MONTH}",
        ok=A_STATISTICS,
    ),
]
ROWS += [
    *rows_petitions_staff.ROWS,
    *rows_petitions_public.ROWS,
    *rows_petitions_open311.ROWS,
    *rows_petitions_stats.ROWS,
]

# Pages anybody may open: sign-in, public tracking and search, the rating link, the booking
# pages, a number's own page and the kiosk (opened by the unguessable link they carry), the
# waiting-room screen, the language switch, the style guide, the health check.
PUBLIC = {
    "home",
    "healthz",
    "support",
    "accessibility",
    "units:directory",
    "units:center",
    "accounts:login",
    "accounts:logout",
    "dossiers:track_lookup",
    "dossiers:track",
    "catalog:search",
    "catalog:procedure",
    "residents:sign_in",
    "residents:sign_in_code",
    "residents:sso_start",
    "residents:sso_callback",
    "residents:fake_vneid",
    "residents:sign_out",
    "feedback:rate",
    "feedback:thanks",
    "queueing:book",
    "queueing:book_slots",
    "queueing:ticket",
    "queueing:ticket_status",
    "queueing:ticket_cancel",
    "queueing:ticket_rate",
    "queueing:ticket_qr",
    "queueing:kiosk",
    "queueing:kiosk_check_in",
    "queueing:kiosk_slip",
    "queueing:display",
    "queueing:display_board",
    "set_language",
    "ui:styleguide",
}
PUBLIC |= (
    rows_petitions_staff.PUBLIC
    | rows_petitions_public.PUBLIC
    | rows_petitions_open311.PUBLIC
    | rows_petitions_stats.PUBLIC
)
# Residents' own pages: the portal's sign-in, not the staff rule (a resident sees what they filed).
RESIDENTS = {
    "residents:submit": ("1.004873",),
    "residents:my_dossiers": (),
    "residents:my_dossier": ("X",),
    "residents:submitted": ("X",),
    "residents:answer_supplement": ("X",),
    "residents:document_file": ("X", "00000000-0000-0000-0000-000000000000"),
    "residents:result_file": ("X",),
    "residents:my_documents": (),
    "residents:share_code": (),
    "queueing:mine": (),
}
PUBLIC_API = {
    "GET /api/v1/units",
    "GET /api/v1/centers",
    "GET /api/v1/centers/{center_id}",
    "GET /api/v1/procedures",
    "GET /api/v1/procedures/{code}",
    "GET /api/v1/calendar/due",
    "GET /api/v1/track/{code}",
    "GET /api/v1/ratings/criteria",
    "GET /api/v1/ratings/{token}",
    "POST /api/v1/ratings/{token}",
    "POST /api/v1/portal/sign-in/code",
    "POST /api/v1/portal/sign-in/token",
    "GET /api/v1/queue/centers/{center_id}/slots",
    "GET /api/v1/queue/centers/{center_id}/board",
    "GET /api/v1/queue/tickets/{token}",
    "POST /api/v1/queue/tickets/{token}/cancel",
    "POST /api/v1/queue/tickets/{token}/rating",
    "POST /api/v1/index/score",
    "GET /api/v1/openapi.json",
    "GET /api/v1/docs",
}
RESIDENTS_API = {
    "POST /api/v1/portal/sign-out",
    "GET /api/v1/portal/dossiers",
    "GET /api/v1/portal/dossiers/{code}",
    "POST /api/v1/portal/dossiers",
    "POST /api/v1/portal/dossiers/{code}/supplement",
    "GET /api/v1/queue/bookings",
    "POST /api/v1/queue/bookings",
    "POST /api/v1/queue/bookings/{ticket_id}/cancel",
}


# --------------------------------------------------------------------------- every route listed


def _url_names(patterns, namespace="") -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"{namespace}<{entry.pattern}>")
    return names


def _api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    found = {
        f"{method.upper()} {path}"
        for path, methods in schema["paths"].items()
        for method in methods
    }
    return found | {"GET /api/v1/openapi.json", "GET /api/v1/docs"}


def test_every_page_has_a_row():
    """A page that is neither in the table, nor public, nor the residents', nor Django's admin
    (operator-level: is_staff and model permissions) fails here: give it a row."""
    names = _url_names(get_resolver().url_patterns)
    pages = {n for n in names if not n.startswith(("admin:", "api:"))}
    staff = {r.route for r in ROWS if not r.api}
    unlisted = pages - staff - PUBLIC - set(RESIDENTS)
    assert not unlisted, f"routes with no row in the persona table: {sorted(unlisted)}"
    stale = (staff | PUBLIC | set(RESIDENTS)) - pages
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


def test_every_api_operation_has_a_row():
    operations = _api_operations()
    staff = {r.route for r in ROWS if r.api}
    unlisted = operations - staff - PUBLIC_API - RESIDENTS_API
    assert not unlisted, f"API operations with no row in the persona table: {sorted(unlisted)}"
    stale = (staff | PUBLIC_API | RESIDENTS_API) - operations
    assert not stale, f"rows for operations that no longer exist: {sorted(stale)}"


def test_every_staff_operation_documents_its_refusals():
    """The API's clients read the refusals in the OpenAPI document: a staff operation may answer
    401 (no valid token), 403 (seen but not allowed, or an account without a role) and 404."""
    paths = api.get_openapi_schema()["paths"]
    undocumented = []
    for row in ROWS:
        if row.api:
            method, path = row.route.split(" ")
            declared = {str(s) for s in paths[path][method.lower()]["responses"]}
            if not {"401", "403", "404"} <= declared:
                undocumented.append(f"{row.route}: {sorted(declared)}")
    assert not undocumented


# --------------------------------------------------------------------------- the table


def _outcome(response) -> str:
    status = response.status_code
    if status == 302 and reverse("accounts:login") in response["Location"]:
        return SIGN_IN
    if status < 400:
        return OK
    return {404: NOT_FOUND, 403: FORBIDDEN, 401: UNAUTHORIZED}.get(status, f"status {status}")


def _request(w, clients, row: Row, persona: str):
    if row.api:
        client = clients["anonymous"]
        token = w.tokens.get(persona)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        data = row.data(w) if row.data else None
        kwargs = {"content_type": "application/json", **headers}
        if data is not None:
            kwargs["data"] = data
        return getattr(client, row.method)(row.url(w), **kwargs)
    client = clients[persona]
    if row.method == "post":
        return client.post(row.url(w), row.data(w) if row.data else {})
    return client.get(row.url(w))


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method.upper()} {r.route} {r.what}")
def test_each_persona_is_let_through_or_refused_as_the_rule_says(w, clients, row):
    wrong = []
    for persona in PERSONAS:
        with transaction.atomic():
            response = _request(w, clients, row, persona)
            outcome = _outcome(response)
            body = _body(response)
            transaction.set_rollback(True)
        expected = row.expected(persona)
        if outcome != expected:
            wrong.append(f"{persona}: {outcome}, expected {expected}")
        elif row.secret and persona not in row.ok and row.secret(w) in body:
            wrong.append(f"{persona}: sees {row.secret(w)}")
    assert not wrong, f"{row.method.upper()} {row.route} ({row.what}):\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(RESIDENTS))
def test_residents_pages_let_in_only_a_signed_in_resident(w, clients, name):
    """Staff accounts do not open the portal: officers and visitors go to the residents'
    sign-in."""
    url = reverse(name, args=RESIDENTS[name])
    sign_in = reverse("residents:sign_in")
    for persona in ("anonymous", "a.reception", "superuser", "monitor"):
        response = clients[persona].get(url)
        assert response.status_code == 302 and sign_in in response["Location"], (persona, name)
    mine = clients["resident"].get(url)
    assert not (mine.status_code == 302 and sign_in in mine["Location"]), name


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(RESIDENTS_API))
def test_residents_api_takes_only_a_residents_token(w, clients, operation):
    method, path = operation.split(" ")
    url = path.replace("{code}", "X").replace("{ticket_id}", "1")
    for persona in ("anonymous", "a.reception", "superuser"):
        token = w.tokens.get(persona)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        response = getattr(clients["anonymous"], method.lower())(
            url, content_type="application/json", **headers
        )
        assert response.status_code == 401, (persona, operation, response.content)


@pytest.mark.django_db
def test_the_admin_is_for_staff_accounts_only(w, clients):
    """Django's admin is the operator's (``is_staff`` and model permissions): no persona but the
    superuser gets past its sign-in page."""
    for persona in PERSONAS:
        response = clients[persona].get(reverse("admin:index"))
        if persona == "superuser":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]


# The public directory and help pages: every persona reads them (they show what a centre
# publishes at its door, nothing about people).
READ_BY_EVERYONE = {
    "support": lambda w: reverse("support"),
    "accessibility": lambda w: reverse("accessibility"),
    "units:directory": lambda w: reverse("units:directory") + "?q=hoan+kiem",
    "units:center": lambda w: reverse("units:center", args=[w.a.centers.first().pk]),
    "GET /api/v1/centers": lambda w: "/api/v1/centers?province=01",
    "GET /api/v1/centers/{center_id}": lambda w: f"/api/v1/centers/{w.a.centers.first().pk}",
    # A procedure's whole record is what the portal publishes: no one's data.
    "catalog:procedure": lambda w: reverse("catalog:procedure", args=[w.procedure.code]),
    "GET /api/v1/procedures/{code}": lambda w: f"/api/v1/procedures/{w.procedure.code}",
}


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(READ_BY_EVERYONE))
def test_every_persona_reads_the_public_directory_and_help_pages(w, clients, route):
    assert route in PUBLIC | PUBLIC_API
    url = READ_BY_EVERYONE[route](w)
    for persona in PERSONAS:
        if route.startswith("GET /api/"):
            token = w.tokens.get(persona)
            headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
            response = clients["anonymous"].get(url, **headers)
        else:
            response = clients[persona].get(url)
        assert response.status_code == 200, (persona, route, response.status_code)
