"""One document, two formats: JSON as the data is, XML as the spec writes it.

``render(fmt, root, data)`` takes the same Python value for both, so the formats cannot drift: a
list becomes ``<root><item>…</item></root>`` with the item's tag from ``ITEM_TAGS``, a dict
becomes ``<root>`` with one element per key. XML is built with ElementTree (text is escaped by it,
never concatenated); characters XML 1.0 cannot carry are dropped, so the document always parses.
"""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
MEDIA_TYPES = ["application/json", "text/xml"]
# The element each item of a list is written as, by the list's own element.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# Not allowed anywhere in an XML 1.0 document (ElementTree would write them and break it).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value) -> str:
    """How a JSON value is written as XML text: null as nothing, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, list):
        tag = ITEM_TAGS[element.tag]
        for inner in value:
            _fill(ET.SubElement(element, tag), inner)
    else:
        element.text = xml_text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


# As ``django.utils.html.json_script`` does: the text is the same once parsed, but a browser or
# proxy that sniffs the body as HTML finds no tag in it.
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def to_json(data) -> bytes:
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return text.encode("utf-8", "replace")


def render(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    fmt = "xml" if fmt == "xml" else "json"
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
