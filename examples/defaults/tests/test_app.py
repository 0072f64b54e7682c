from fastapi.testclient import TestClient

from my_service.app import app

client = TestClient(app)


def test_health_answers_ok() -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_hello_greets_the_caller() -> None:
    response = client.get("/", params={"name": "Ada"})
    assert response.status_code == 200
    assert response.json()["message"] == "Hello, Ada!"
