"""Ed25519 signing keys for aggregate bundles: generation, PEM files, public
key text and fingerprints.

Ed25519 is the Edwards-curve signature scheme of RFC 8032 (Josefsson and
Liusvaara, 2017), via the ``cryptography`` package. A public key is written
as the base64 of its 32 raw bytes; its fingerprint is ``sha256:`` followed by
the hex SHA-256 (FIPS 180-4) of those bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

ALGORITHM = "ed25519"
PUBLIC_KEY_BYTES = 32


class KeyFormatError(ValueError):
    """A key that cannot be read; the message says what is wrong."""


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted: the file holding it must be mode 0600."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key_pem(data: bytes) -> Ed25519PrivateKey:
    """Raises :class:`KeyFormatError` when ``data`` is not an Ed25519 PEM key."""
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFormatError(f"not a readable private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFormatError("the private key is not an Ed25519 key")
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Base64 of the 32 raw public-key bytes (44 characters)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """Read a public key written by :func:`public_key_text`.

    Raises:
        KeyFormatError: not base64, or not 32 bytes.
    """
    cleaned = text.strip()
    if len(cleaned) > 100:
        raise KeyFormatError("a public key is 44 characters of base64")
    try:
        raw = base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFormatError("the public key is not base64") from None
    if len(raw) != PUBLIC_KEY_BYTES:
        raise KeyFormatError(
            f"the public key has {len(raw)} bytes; an Ed25519 key has "
            f"{PUBLIC_KEY_BYTES}"
        )
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(key: str | Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """``sha256:<64 hex>`` of the raw public key. Raises :class:`KeyFormatError`
    for unreadable key text."""
    public = parse_public_key(key) if isinstance(key, str) else key
    if isinstance(public, Ed25519PrivateKey):
        public = public.public_key()
    raw = public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    """Base64 of the 64-byte Ed25519 signature of ``message``."""
    return base64.b64encode(key.sign(message)).decode("ascii")


def signature_valid(public: Ed25519PublicKey, message: bytes, value: str) -> bool:
    try:
        raw = base64.b64decode(value, validate=True)
        public.verify(raw, message)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def derived_secret(key: Ed25519PrivateKey, purpose: str) -> bytes:
    """A 32-byte secret for ``purpose`` derived from the private key (SHA-256
    of a label and the raw key), so one key file serves every need and no
    second secret has to be kept."""
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return hashlib.sha256(f"evidencehub.{purpose}\0".encode() + raw).digest()
