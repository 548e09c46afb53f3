from botocore.exceptions import ClientError, EndpointConnectionError

from config import aws


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}}, "Operation")


def test_throttling_busy_and_unreachable_services_are_worth_a_retry():
    assert aws.is_transient(client_error("ThrottlingException"))
    assert aws.is_transient(client_error("ServiceUnavailableException"))
    assert aws.is_transient(EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))


def test_refusals_are_permanent():
    assert not aws.is_transient(client_error("AccessDeniedException"))
    assert not aws.is_transient(client_error("ValidationException"))
    assert aws.error_code(client_error("ValidationException")) == "ValidationException"


def test_clients_take_the_configured_region_and_endpoint(settings):
    settings.AWS_REGION = "eu-west-1"
    client = aws.client("s3", endpoint_url="http://127.0.0.1:5000")
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.endpoint_url == "http://127.0.0.1:5000"
