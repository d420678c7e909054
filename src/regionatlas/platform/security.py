"""Password hashing (Argon2id), random tokens (only their SHA-256 is stored), TOTP.

Argon2id parameters (argon2-cffi): time_cost=2, memory_cost=19456 KiB (19 MiB),
parallelism=1, hash_len=32, salt_len=16 – the OWASP Password Storage Cheat Sheet's
recommended Argon2id configuration. RFC 9106's 64 MiB/t=3 took about 0.6 s per login on the
2-core development machine, over the 300 ms budget. ``benchmarks/bench_platform.py`` prints
the login time these parameters cost on the machine at hand. Hashes made with other
parameters are re-hashed at the next successful login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

ARGON2 = {
    "time_cost": 2,
    "memory_cost": 19456,
    "parallelism": 1,
    "hash_len": 32,
    "salt_len": 16,
}
_hasher = PasswordHasher(
    time_cost=ARGON2["time_cost"],
    memory_cost=ARGON2["memory_cost"],
    parallelism=ARGON2["parallelism"],
    hash_len=ARGON2["hash_len"],
    salt_len=ARGON2["salt_len"],
    type=Type.ID,
)
# a hash to verify against when the account does not exist: same time, no user enumeration
_DUMMY = _hasher.hash("not a password of anyone")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def new_token() -> str:
    """32 random bytes, URL-safe (for cookies, links)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="regionatlas")


def verify_totp(secret: str, code: str) -> bool:
    code = code.strip().replace(" ", "")
    return code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)
