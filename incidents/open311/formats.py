"""The spec's two formats. XML is the reference: schemaless, no namespace, UTF-8 with its
declaration; JSON is its Spark-convention mapping (a list element becomes an array of its items,
the root element disappears). Both are built from the same plain values: dicts (elements in
order), lists (repeated children, named by ITEM_TAGS), None (an empty element / null), booleans
(true/false), numbers and strings. Datetimes are W3C/ISO 8601 with their offset (local time).
"""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
MEDIA_TYPES = ["text/xml", "application/json"]
# The element of each list's items (the spec's examples).
ITEM_TAGS = {
    "services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
    "formats": "format", "attributes": "attribute", "values": "value",
}


def w3c(value: datetime | None) -> str | None:
    """2026-12-02T15:03:00+08:00: seconds, with the offset of local time."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for tag, child in value.items():
            _fill(ElementTree.SubElement(element, tag), child)
    elif isinstance(value, list):
        item_tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ElementTree.SubElement(element, item_tag), item)
    else:
        element.text = _text(value) or None


def to_xml(root: str, value) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, value)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


def render(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """`value` as the document `root` (services, service_requests, errors, discovery, …)."""
    if fmt == JSON:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    else:
        body = to_xml(root, value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error list: one {code, description} per problem, code being the HTTP status."""
    return render(fmt, "errors", [{"code": status, "description": str(d)} for d in descriptions], status=status)
