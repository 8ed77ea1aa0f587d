"""A real Open311 client library (``georeport`` 0.3.1, from PyPI) against the running server.

The library reads discovery-less endpoints and has no POST: discovery and the POST are made with
``requests`` as such a client would, the rest with the library, in both of its formats.
"""

import pytest
import requests
from georeport import GeoReport

from motcua.petitions import keys
from motcua.petitions.models import Channel, Petition
from tests.petitions.support import national_defaults
from tests.world import World

# live_server needs committed rows: a transactional test, which empties the tables afterwards
# (the national categories too, put back by ``national_defaults``).
pytestmark = pytest.mark.django_db(transaction=True)


def as_list(value):
    """xmltodict gives one element as a dict, several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_and_files_reports(live_server, settings, fmt):
    settings.PUBLIC_BASE_URL = live_server.url
    national_defaults()
    world = World()
    _key, raw = keys.create_key("georeport")
    root = f"{live_server.url}/open311/v2"

    discovery = requests.get(f"{root}/discovery.json", timeout=10).json()
    assert discovery["endpoints"][0]["url"] == root + "/"

    client = GeoReport(root, jurisdiction=world.a.code, api_key=raw, output_format=fmt)
    services = as_list(client.get_service_list())
    codes = {s["service_code"] for s in services}
    assert {"chieu-sang", "moi-truong", "thai-do-can-bo"} <= codes

    definition = client.get_service_definition("moi-truong")
    attribute = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    attribute = as_list(attribute)[0]
    assert attribute["code"] == "loai-rac"
    values = attribute["values"] if fmt == "json" else attribute["values"]["value"]
    assert [v["key"] for v in values][0] == "rac-thai"

    posted = requests.post(
        f"{root}/requests.{fmt}",
        data={
            "api_key": raw,
            "jurisdiction_id": world.a.code,
            "service_code": "moi-truong",
            "lat": "21.028511",
            "long": "105.852020",
            "description": "Rác tồn đọng ba ngày ở đầu ngõ 5 Hàng Bạc.",
            "attribute[loai-rac]": "rac-thai",
            "first_name": "Tám",
            "last_name": "Lê Văn",
            "phone": "0912345678",
        },
        timeout=10,
    )
    assert posted.status_code == 200, posted.text
    petition = Petition.objects.get()
    assert petition.channel == Channel.OPEN311
    assert petition.attributes == {"loai-rac": "rac-thai"}
    assert str(petition.pk) in posted.text

    one = client.get_service_request(str(petition.pk))
    assert one["service_request_id"] == str(petition.pk)
    assert one["status"] == "open"
    assert one["service_code"] == "moi-truong"
    assert "Lê Văn" not in str(one) and "0912345678" not in str(one)

    listed = as_list(client.get_service_requests())
    assert [r["service_request_id"] for r in listed] == [str(petition.pk)]
    by_id = as_list(client.get_service_requests(service_request_id=str(petition.pk)))
    assert by_id[0]["description"] == "Rác tồn đọng ba ngày ở đầu ngõ 5 Hàng Bạc."
    if fmt == "json":
        assert client.get_service_requests(status="closed") == []
    else:
        # An empty list is ``<service_requests/>``, which this library cannot read (it indexes
        # into None): read it as XML ourselves.
        empty = requests.get(f"{root}/requests.xml", {"status": "closed"}, timeout=10)
        assert empty.status_code == 200
        assert empty.text.endswith("<service_requests />")
