"""Password hashing with argon2id at OWASP's parameters (m=19 MiB, t=2, p=1)."""

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError

# A hash of no one's password at the parameters below, made once offline so no cold start pays ~30 ms for it.
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$cNdrxUx79GOysLadtKyB0A$HMwDyVkJgrTbS3ETVVFF3IphP/sQTzMdSPG+V2RdD44"


class Argon2Passwords:
    def __init__(self, memory_kib: int = 19 * 1024, time_cost: int = 2, parallelism: int = 1) -> None:
        self._hasher = _Argon2(memory_cost=memory_kib, time_cost=time_cost, parallelism=parallelism)
        params = f"m={memory_kib},t={time_cost},p={parallelism}$"
        # Other parameters need a dummy of their own, or unknown emails would answer faster than wrong passwords.
        self._dummy_hash = _DUMMY_HASH if params in _DUMMY_HASH else self._hasher.hash("no one's password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def burn(self, password: str) -> None:
        self.verify(self._dummy_hash, password)
