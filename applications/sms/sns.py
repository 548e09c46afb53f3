"""Amazon SNS direct-to-phone SMS (transactional), e.g. for stage-change texts."""

from __future__ import annotations

from typing import Any

from applications.sms.base import PermanentSmsError, SmsResult, TransientSmsError

# SNS errors where trying again cannot help (a bad number, an opted-out phone, no permission).
PERMANENT_CODES = {
    "InvalidParameter",
    "InvalidParameterValue",
    "OptedOut",
    "AuthorizationError",
    "EndpointDisabled",
}


class SnsSmsSender:
    def __init__(
        self,
        *,
        region_name: str,
        endpoint_url: str | None = None,
        sender_id: str = "",
        sms_type: str = "Transactional",
        client: Any = None,
    ) -> None:
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.sender_id = sender_id
        self.sms_type = sms_type
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client(
                "sns", region_name=self.region_name, endpoint_url=self.endpoint_url
            )
        return self._client

    def send(self, *, to: str, body: str) -> SmsResult:
        from botocore.exceptions import BotoCoreError, ClientError

        attributes = {
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": self.sms_type},
        }
        if self.sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {
                "DataType": "String",
                "StringValue": self.sender_id,
            }
        try:
            response = self.client.publish(
                PhoneNumber=to, Message=body, MessageAttributes=attributes
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in PERMANENT_CODES:
                raise PermanentSmsError(f"SNS refused the message: {code}") from exc
            raise TransientSmsError(f"SNS error {code or exc}") from exc
        except BotoCoreError as exc:  # connection errors, timeouts
            raise TransientSmsError(str(exc)) from exc
        return SmsResult(provider_id=response["MessageId"])
