"""Generated QBWC passwords and tickets, and how they are stored (hashed, compared in constant time).

Two kinds of secret, two kinds of hash (DESIGN section 10). Passwords people choose (admin users)
are low-entropy: werkzeug's scrypt, deliberately slow. Passwords the server generates for the Web
Connector carry about 119 random bits (20 characters of a 50-letter alphabet): no guessing attack
gains from a slow hash, so they are stored as HMAC-SHA-256 under a key derived from the
installation's secret, which keeps ``authenticate`` at microseconds instead of ~100 ms of scrypt.
Hashes written by earlier versions (scrypt) still verify and are replaced at the next successful
login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import ConfigurationError

if TYPE_CHECKING:
    from ..store import SqlStore

# No 0/O, 1/l/I, 5/S, 2/Z, 8/B: the password is read off a screen and typed into the Web Connector.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679"
PASSWORD_LENGTH = 20
GENERATED_SCHEME = "hmac-sha256$"
_KEY_LABEL = b"qbtime-sync: Web Connector password hashing key, v1"


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    """A random password of ``length`` characters from an unambiguous alphabet."""
    if length < 16:
        raise ValueError("QBWC passwords are at least 16 characters")
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def hash_password(password: str) -> str:
    """The stored form of a password a person chose (werkzeug scrypt, salted, slow on purpose)."""
    return generate_password_hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches a :func:`hash_password` hash; constant-time comparison."""
    return check_password_hash(stored_hash, password)


class GeneratedPasswords:
    """Hashes and checks the Web Connector passwords the server generates (keyed HMAC-SHA-256).

    :param secret: the installation's secret (``installation.secret_key``); the HMAC key is
        derived from it, so it differs from the key that signs cookies.
    """

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the installation secret is empty")
        self._key = hmac.new(secret.encode("utf-8"), _KEY_LABEL, hashlib.sha256).digest()
        # Checked against for unknown users, so that they cost what a known user costs.
        self._dummy = self.hash(secrets.token_urlsafe(24))

    @classmethod
    def of(cls, store: SqlStore) -> GeneratedPasswords:
        """The hasher of the installation behind ``store``.

        :raises ConfigurationError: the installation is not initialised (``qbtime init``).
        """
        installation = store.get_installation()
        if installation is None:
            raise ConfigurationError("the installation is not initialised: run `qbtime init` first")
        return cls(installation.secret_key)

    def hash(self, password: str) -> str:
        """The stored form: ``hmac-sha256$`` and the hex HMAC of the password."""
        digest = hmac.new(self._key, password.encode("utf-8", "replace"), hashlib.sha256)
        return GENERATED_SCHEME + digest.hexdigest()

    def check(self, stored_hash: str | None, password: str) -> tuple[bool, str | None]:
        """Whether ``password`` matches ``stored_hash`` (None: an unknown user, never matches).

        An unknown user is checked against a dummy hash of the same kind, so the answer takes
        as long as for a known user. A hash in an older form (scrypt) is verified as such.

        :returns: ``(matches, new_hash)``; ``new_hash`` is the HMAC form to store in place of a
            matching older hash, else None.
        """
        if stored_hash is None or stored_hash.startswith(GENERATED_SCHEME):
            matches = hmac.compare_digest(stored_hash or self._dummy, self.hash(password))
            return matches and stored_hash is not None, None
        if check_password_hash(stored_hash, password):
            return True, self.hash(password)
        return False, None


def hash_ticket(ticket: str) -> str:
    """The stored form of a session ticket: tickets carry 128 random bits, so SHA-256 suffices."""
    return hashlib.sha256(ticket.encode("utf-8", "replace")).hexdigest()
