"""The guide's environment variables (from the environment or `.env`), as the local stack uses them."""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL_DIR = Path(os.environ.get("CALLS_LOCAL_DIR") or ROOT / ".local")


def load_dotenv(path: Path) -> None:
    """KEY=VALUE lines; the real environment wins over the file."""
    if not path.is_file():
        return
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


@dataclasses.dataclass(frozen=True)
class LocalSettings:
    server_port: int
    postgres_host: str | None  # None: start the embedded server
    postgres_port: int
    postgres_user: str
    postgres_password: str
    postgres_db: str
    postgres_sslmode: str
    jwt_secret: str
    voip_provider: str
    voip_account_sid: str
    voip_auth_token: str
    voip_from_number: str
    voip_api_key_sid: str
    voip_api_key_secret: str
    voip_api_base_url: str  # development aid: a local fake Twilio instead of api.twilio.com
    public_base_url: str
    max_call_seconds: str

    @classmethod
    def from_env(cls) -> LocalSettings:
        env = os.environ
        port = int(env.get("SERVER_PORT") or 8080)
        return cls(
            server_port=port,
            postgres_host=env.get("POSTGRES_HOST") or None,
            postgres_port=int(env.get("POSTGRES_PORT") or 5432),
            postgres_user=env.get("POSTGRES_USER") or "postgres",
            postgres_password=env.get("POSTGRES_PASSWORD") or "postgres",
            postgres_db=env.get("POSTGRES_DB") or "calls_platform",
            postgres_sslmode=env.get("POSTGRES_SSLMODE") or "disable",
            jwt_secret=env.get("JWT_SECRET") or _dev_jwt_secret(),
            voip_provider=env.get("VOIP_PROVIDER") or "mock",
            voip_account_sid=env.get("VOIP_ACCOUNT_SID") or "",
            voip_auth_token=env.get("VOIP_AUTH_TOKEN") or "",
            voip_from_number=env.get("VOIP_FROM_NUMBER") or "",
            voip_api_key_sid=env.get("VOIP_API_KEY_SID") or "",
            voip_api_key_secret=env.get("VOIP_API_KEY_SECRET") or "",
            voip_api_base_url=(env.get("VOIP_API_BASE_URL") or "").rstrip("/"),
            public_base_url=(env.get("PUBLIC_BASE_URL") or f"http://localhost:{port}").rstrip("/"),
            max_call_seconds=env.get("MAX_CALL_SECONDS") or "",
        )


def _dev_jwt_secret() -> str:
    """A random development secret, kept in .local so tokens survive a restart of `make run`."""
    path = LOCAL_DIR / "dev-jwt-secret"
    if not path.exists():
        LOCAL_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
