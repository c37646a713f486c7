"""The official `paypal-server-sdk` client, and the one PayPal call it has no method for.

The SDK (Orders v2, Payments v2) is synchronous (requests): callers run it in a worker thread.
It has no webhook API, so `verify_webhook_signature` makes PayPal's documented REST call
(`POST /v1/notifications/verify-webhook-signature`) through the SDK's own request builder:
same base URL, same OAuth 2 client-credentials token, same HTTP client.
"""

from __future__ import annotations

from typing import Any, Literal

from apimatic_core.authentication.multiple.single_auth import Single
from apimatic_core.exceptions.auth_validation_exception import AuthValidationException
from apimatic_core.request_builder import RequestBuilder
from apimatic_core.response_handler import ResponseHandler
from apimatic_core.types.parameter import Parameter
from paypalserversdk.api_helper import APIHelper
from paypalserversdk.configuration import Configuration, Environment, Server
from paypalserversdk.controllers.base_controller import BaseController
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.exceptions.error_exception import ErrorException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.http.http_method_enum import HttpMethodEnum
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

VERIFY_PATH = "/v1/notifications/verify-webhook-signature"
# PayPal's webhook headers, as its verify-webhook-signature call names them
TRANSMISSION_HEADERS = {
    "auth_algo": "paypal-auth-algo",
    "cert_url": "paypal-cert-url",
    "transmission_id": "paypal-transmission-id",
    "transmission_sig": "paypal-transmission-sig",
    "transmission_time": "paypal-transmission-time",
}
PaypalEnvironment = Literal["sandbox", "live"]
# What a call through the SDK raises when PayPal refused it or could not be reached (an HTTP
# error answer, no OAuth token, a network error).
PAYPAL_ERRORS: tuple[type[Exception], ...] = (ApiException, AuthValidationException, OSError)


def paypal_client(
    client_id: str,
    client_secret: str,
    environment: PaypalEnvironment = "sandbox",
    *,
    base_url: str | None = None,
    timeout: float = 20,
) -> PaypalServersdkClient:
    """The SDK's client; `base_url` replaces PayPal's (tests: a local stub server)."""
    config = Configuration(
        timeout=timeout,
        environment=Environment.PRODUCTION if environment == "live" else Environment.SANDBOX,
        client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
            o_auth_client_id=client_id, o_auth_client_secret=client_secret
        ),
    )
    if base_url is not None:
        # get_base_uri reads this mapping: an instance attribute shadows the class's
        config.environments = {config.environment: {Server.DEFAULT: base_url.rstrip("/")}}
    return PaypalServersdkClient(config=config)


def verify_webhook_signature(client: PaypalServersdkClient, body: dict[str, Any]) -> str:
    """PayPal's `verification_status` ("SUCCESS" | "FAILURE") for a webhook's headers, its
    webhook id and its event (`body`). ApiException when PayPal could not answer."""
    controller = BaseController(client.global_configuration)
    response = (
        controller.new_api_call_builder.request(
            RequestBuilder()
            .server(Server.DEFAULT)
            .path(VERIFY_PATH)
            .http_method(HttpMethodEnum.POST)
            .header_param(Parameter().key("Content-Type").value("application/json"))
            .body_param(Parameter().value(body))
            .header_param(Parameter().key("accept").value("application/json"))
            .body_serializer(APIHelper.json_serialize)
            .auth(Single("Oauth2"))
        )
        .response(
            ResponseHandler()
            .deserializer(APIHelper.json_deserialize)
            .is_api_response(True)
            .local_error("default", "The error response.", ErrorException)
        )
        .execute()
    )
    answer = response.body
    status = answer.get("verification_status") if isinstance(answer, dict) else None
    return str(status or "FAILURE")


def error_text(exc: Exception) -> str:
    """What PayPal said (its error name, issues and debug id), never a credential."""
    if isinstance(exc, ErrorException):
        issues = ",".join(
            str(getattr(detail, "issue", "")) for detail in (getattr(exc, "details", None) or ())
        )
        name = getattr(exc, "name", None)
        return f"{exc.response_code} {name} {issues} debug_id={getattr(exc, 'debug_id', None)}"
    if isinstance(exc, ApiException):
        return f"{exc.response_code} {exc.reason}"
    return type(exc).__name__  # never its text: it could quote a request


def error_issues(exc: Exception) -> set[str]:
    """PayPal's fine-grained error codes (ORDER_ALREADY_CAPTURED, ...)."""
    details = getattr(exc, "details", None) or ()
    return {str(getattr(detail, "issue", "")) for detail in details} | {
        str(getattr(exc, "name", ""))
    }
