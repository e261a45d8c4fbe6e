"""How the platform names a user's browser to the VoIP provider: shared by calls and voice tokens, and
free of any provider library, so issuing a token loads only the token module."""

from __future__ import annotations

from typing import Any


def client_identity(user_id: Any) -> str:
    """The Voice SDK identity of a user's browser (letters, digits and underscores only)."""
    return f"user_{str(user_id).replace('-', '')}"
