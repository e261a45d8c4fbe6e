"""What each function truly needs on a cold start, in one place: the cold-start import test allows exactly
these heavy modules, and `make bench` builds each function's floor from the same list."""

from __future__ import annotations

from dataclasses import dataclass

# The heavy libraries a cold start is checked for (top-level package names).
HEAVY = ("twilio", "aws_lambda_powertools", "argon2", "phonenumbers", "jwt", "pg8000", "boto3")


@dataclass(frozen=True)
class Needs:
    imports: tuple[str, ...]  # the modules the floor imports (boto3 comes with every secret)
    secrets: tuple[str, ...]  # "app" and/or "db"
    dynamodb: int = 0  # the DynamoDB round trips the first request makes (a limit's count, a session's write)
    postgres: bool = True
    password: str = ""  # "verify" (login) or "hash" (register): argon2's essential work on the first request

    @property
    def heavy(self) -> set[str]:
        """The heavy top-level packages this function may load in mock mode; any other is a regression."""
        return {name.split(".")[0] for name in self.imports} | {"boto3"}


NEEDS: dict[str, Needs] = {
    "health": Needs(("pg8000.native",), ("db",)),
    "register": Needs(("pg8000.native", "argon2"), ("db",), dynamodb=1, password="hash"),  # per-address limit
    "login": Needs(("pg8000.native", "jwt", "argon2"), ("app", "db"), dynamodb=2, password="verify"),
    "call_history": Needs(("pg8000.native", "jwt"), ("app", "db")),
    "get_call": Needs(("pg8000.native", "jwt"), ("app", "db"), dynamodb=1),  # a live call's poll: its heartbeat
    "answer_call": Needs(("pg8000.native", "jwt"), ("app", "db")),  # the offer read, the answer stored
    "live_calls": Needs(("pg8000.native", "jwt"), ("app", "db")),
    "list_contacts": Needs(("pg8000.native", "jwt"), ("app", "db")),
    "create_contact": Needs(("pg8000.native", "jwt", "phonenumbers"), ("app", "db")),  # the number's E.164 check
    "initiate_call": Needs(
        ("pg8000.native", "jwt", "phonenumbers", "regex", "aws_lambda_powertools.metrics"), ("app", "db"), dynamodb=2
    ),  # the hour's call attempts counted (a TransactWriteItems), the session written (a PutItem)
    "terminate_call": Needs(("pg8000.native", "jwt", "aws_lambda_powertools.metrics"), ("app", "db"), dynamodb=1),
    # In mock mode there is no token to hand out, so no statement (Twilio mode asks Postgres whether the family
    # was logged out before handing one out).
    "voice_token": Needs(("jwt",), ("app",), postgres=False),
}

# The account's own functions (docs/accounts.md), checked by the cold-start test (the benchmark has no sample
# request for them yet). Emails go through SES: boto3, which every secret brings anyway.
ACCOUNT_NEEDS: dict[str, Needs] = {
    "verify_email": Needs(("pg8000.native",), ("db",)),
    "password_reset": Needs(("pg8000.native",), ("db",), dynamodb=1),  # emails asked for
    "password_reset_confirm": Needs(("pg8000.native", "argon2"), ("db",), password="hash"),
    "resend_verification": Needs(("pg8000.native", "jwt"), ("app", "db"), dynamodb=1),
    "get_account": Needs(("pg8000.native", "jwt"), ("app", "db")),
    "change_password": Needs(("pg8000.native", "jwt", "argon2"), ("app", "db"), dynamodb=2, password="verify"),
    "delete_account": Needs(("pg8000.native", "jwt", "argon2"), ("app", "db"), dynamodb=2, password="verify"),
    "export_calls": Needs(("pg8000.native", "jwt"), ("app", "db")),
}
