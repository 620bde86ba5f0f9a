"""Every new browser session asks the site root for its icon; it must not be a 404 in the console."""

import pytest


@pytest.mark.django_db
def test_the_root_icon_leads_to_the_static_icon_and_pages_name_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content if icon.streaming else [icon.content])[:4] == b"\x00\x00\x01\x00"

    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
