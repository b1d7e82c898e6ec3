import pytest


@pytest.mark.django_db
def test_favicon_redirects_to_the_static_file(client):
    """Looked up per request (not when the URLconf is imported, which needs the production manifest)."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
