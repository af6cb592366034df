"""Signed, single-use invitation links (issue 16): a random token signed with the installation's
secret (itsdangerous), of which the store keeps only the SHA-256. The web pages and the CLI make
the same links. Must not import Flask request globals or spyne."""

from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadSignature, URLSafeSerializer

FIRM = "qbtime-firm-invitation"
CLIENT_ADMIN = "qbtime-client-admin-invitation"
CLIENT_ADMIN_PATH = "/client-admin/"


def _serializer(secret: str, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=salt)


def token_hash(token: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_signed(secret: str, salt: str) -> tuple[str, str]:
    """A new link's signed part and the hash of its token."""
    token = secrets.token_urlsafe(32)
    return _serializer(secret, salt).dumps(token), token_hash(token)


def hash_of_signed(secret: str, salt: str, signed: str) -> str | None:
    """The token hash of a signed link part, or None when the signature does not hold."""
    try:
        token = _serializer(secret, salt).loads(signed)
    except BadSignature:
        return None
    return token_hash(token) if isinstance(token, str) else None


def client_admin_url(base_url: str, signed: str) -> str:
    """The absolute link a client's administrator opens."""
    return base_url.rstrip("/") + CLIENT_ADMIN_PATH + signed
