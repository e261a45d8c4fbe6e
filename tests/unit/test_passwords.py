"""argon2id password hashing (`adapters/passwords.py`)."""

import time

from calls_platform.adapters.passwords import _DUMMY_HASH, Argon2Passwords


def test_hashes_are_argon2id_at_owasp_parameters_and_verify_only_the_right_password():
    hasher = Argon2Passwords()
    hashed = hasher.hash("password123")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify(hashed, "password123") and not hasher.verify(hashed, "password124")
    assert not hasher.verify("not-a-hash", "password123")


def test_the_dummy_hash_matches_the_real_parameters_so_unknown_emails_cost_the_same():
    hasher = Argon2Passwords()
    assert not hasher._hasher.check_needs_rehash(_DUMMY_HASH)
    started = time.perf_counter()
    hasher.burn("password123")
    burned = time.perf_counter() - started
    started = time.perf_counter()
    hasher.verify(hasher.hash("x" * 12), "password123")
    assert burned > 0.3 * (time.perf_counter() - started)  # a real verification, not a shortcut


def test_other_parameters_get_a_dummy_of_their_own():
    light = Argon2Passwords(memory_kib=1024, time_cost=1)
    assert light._dummy_hash != _DUMMY_HASH and "m=1024,t=1,p=1$" in light._dummy_hash
