"""Email through Amazon SES (API v2); locally moto's SES. The development log line is the only place a link
(and so a token) is ever logged, and only where the local stack turns it on (EMAIL_DEV_LOG)."""

from __future__ import annotations

import logging
from typing import Any

from calls_platform.domain.errors import ServiceUnavailable
from calls_platform.use_cases.account_ports import Email, Mailer

log = logging.getLogger(__name__)
dev_log = logging.getLogger("email-dev")


class SesMailer:
    def __init__(self, client: Any, sender: str) -> None:
        self._client = client
        self._sender = sender

    def send(self, email: Email) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.send_email(
                FromEmailAddress=self._sender,
                Destination={"ToAddresses": [email.to]},
                Content={
                    "Simple": {
                        "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                        "Body": {"Text": {"Data": email.text, "Charset": "UTF-8"}},
                    }
                },
            )
        except (BotoCoreError, ClientError) as error:
            code = error.response["Error"]["Code"] if isinstance(error, ClientError) else type(error).__name__
            raise ServiceUnavailable(f"email not sent ({code})") from None


class DevLogMailer:
    """`make run`: every email sent is also one log line naming its recipient, subject and link."""

    def __init__(self, mailer: Mailer) -> None:
        self._mailer = mailer

    def send(self, email: Email) -> None:
        self._mailer.send(email)
        fields = {"to": email.to, "subject": email.subject, "link": email.link}
        if email.code is not None:
            fields["code"] = email.code
        dev_log.info("email sent (development log)", extra=fields)
