"""Every request body has a limit, not only uploads and backups: a form or JSON body over it is a 413
while it streams in, before it is parsed. Without one, anyone (signed in or not) could post a
multipart "file" of any size to the sign-in form, and the form parser would spool all of it to disk
before the CSRF check refused the post."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from hipcoach.web.app import create_app
from hipcoach.web.upload_limit import BODY_LIMIT
from tests.web.conftest import make_settings, sign_up, sign_up_on_pages

TOO_BIG = b"x" * (BODY_LIMIT + 70 * 1024)


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(make_settings(tmp_path, backup_limit_bytes=2 * BODY_LIMIT))) as c:
        yield c


def _chunks(data: bytes):  # no Content-Length: the limit counts what streams in
    for i in range(0, len(data), 65536):
        yield data[i : i + 65536]


@pytest.mark.parametrize("path", ["/login", "/signup", "/forgot"])
def test_a_huge_form_to_a_signed_out_page_is_a_413(client, path):
    r = client.post(path, files={"file": ("a.bin", TOO_BIG)}, data={"csrf_token": "x"})
    assert r.status_code == 413, r.text
    form = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n' + TOO_BIG
    kind = {"content-type": "multipart/form-data; boundary=b"}
    streamed = client.post(path, content=_chunks(form + b"\r\n--b--\r\n"), headers=kind)
    assert streamed.status_code == 413


def test_a_huge_json_body_to_the_api_is_a_413_saying_the_limit(client):
    acct = sign_up(client, "big@example.org", "runner")
    body = json.dumps({"name": "x" * len(TOO_BIG)})
    r = acct.put("/api/v1/profile", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json() == {
        "detail": "The request body is larger than the limit of 1 MiB."
    }
    r = acct.put(
        "/api/v1/profile", content=_chunks(body.encode()), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413


def test_the_data_page_takes_a_backup_up_to_the_backup_limit_and_no_more(client):
    token = sign_up_on_pages(client, "page@example.org")
    under = b"{" + b" " * (BODY_LIMIT + 1024) + b"}"  # over the general limit, under the backup one
    r = client.post("/data/import", files={"backup": ("b.json", under)}, data={"csrf_token": token})
    assert r.status_code == 422 and "hipcoach backup" in r.text  # read, then refused for what it is
    over = b" " * (2 * BODY_LIMIT + 70 * 1024)
    r = client.post("/data/import", files={"backup": ("b.json", over)}, data={"csrf_token": token})
    assert r.status_code == 413 and "Nothing was imported" in r.text


def test_the_document_says_every_body_may_be_too_large(client):
    doc = client.get("/openapi.json").json()
    with_body = [
        (path, method)
        for path, operations in doc["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    assert len(with_body) > 15
    missing = [f"{m} {p}" for p, m in with_body if "413" not in doc["paths"][p][m]["responses"]]
    assert not missing, missing
