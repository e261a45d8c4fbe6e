"""Password hashing with argon2id at OWASP's parameters (m=19 MiB, t=2, p=1)."""

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Passwords:
    def __init__(self, memory_kib: int = 19 * 1024, time_cost: int = 2, parallelism: int = 1) -> None:
        self._hasher = _Argon2(memory_cost=memory_kib, time_cost=time_cost, parallelism=parallelism)
        self._dummy_hash = self._hasher.hash("not a real password: spends the time of a verification")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def burn(self, password: str) -> None:
        self.verify(self._dummy_hash, password)
