"""Generated QBWC passwords and tickets, and how they are stored (hashed, compared in constant time)."""

from __future__ import annotations

import hashlib
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

# No 0/O, 1/l/I, 5/S, 2/Z, 8/B: the password is read off a screen and typed into the Web Connector.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679"
PASSWORD_LENGTH = 20


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    """A random password of ``length`` characters from an unambiguous alphabet."""
    if length < 16:
        raise ValueError("QBWC passwords are at least 16 characters")
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def hash_password(password: str) -> str:
    """The stored form of a password (werkzeug scrypt, salted)."""
    return generate_password_hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; constant-time comparison."""
    return check_password_hash(stored_hash, password)


def hash_ticket(ticket: str) -> str:
    """The stored form of a session ticket: tickets carry 128 random bits, so SHA-256 suffices."""
    return hashlib.sha256(ticket.encode("utf-8", "replace")).hexdigest()
