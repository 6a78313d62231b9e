"""The phone-like intake client of the benchmark (bench.phone): its request bodies and its reading
of gunicorn's access log."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP

from bench.phone import ACCESS_LOG_FORMAT, PHOTO_BYTES, multipart, photo_jpeg, server_durations


def test_photo_is_a_jpeg_of_about_the_size_a_phone_sends():
    photo = photo_jpeg()
    assert photo[:3] == b"\xff\xd8\xff"
    assert PHOTO_BYTES * 0.5 < len(photo) <= PHOTO_BYTES


def test_multipart_body_carries_fields_and_the_photo():
    body, content_type = multipart({"category": 7, "description": "路边有垃圾"}, [("photos", "photo.jpg", b"\xff\xd8\xffDATA")])
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
    assert parts["category"].get_content() == "7"
    assert parts["description"].get_payload(decode=True).decode() == "路边有垃圾"
    assert parts["photos"].get_filename() == "photo.jpg"
    assert parts["photos"].get_payload(decode=True) == b"\xff\xd8\xffDATA"


def test_server_durations_reads_only_intake_posts_after_the_offset(tmp_path):
    assert ACCESS_LOG_FORMAT.split() == ["%(D)s", "%(s)s", "%(m)s", "%(U)s"]
    log = tmp_path / "access.log"
    log.write_bytes(b"900000 201 POST /api/v1/incidents/\n")
    offset = log.stat().st_size
    with open(log, "ab") as handle:
        handle.write(b"120000 201 POST /api/v1/incidents/\n")
        handle.write(b"5000 200 POST /api/v1/auth/token/\n")
        handle.write(b"7000 200 GET /api/v1/incidents/\n")
        handle.write(b"250000 201 POST /api/v1/incidents/\n")
    assert server_durations(log, offset) == [0.12, 0.25]
