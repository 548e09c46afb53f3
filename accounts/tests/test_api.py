import pytest

pytestmark = pytest.mark.django_db


def test_me_returns_the_signed_in_user(api_as, candidate):
    response = api_as(candidate).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == "carol@example.test"
    assert response.json()["role"] == "candidate"


def test_me_patch_changes_only_editable_fields(api_as, candidate):
    response = api_as(candidate).patch(
        "/api/v1/me", {"first_name": "Caroline", "role": "staff"}, format="json"
    )
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert candidate.first_name == "Caroline"
    assert candidate.role == "candidate"


def test_me_without_credentials_answers_401_with_error_shape(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "WWW-Authenticate" in response.headers
