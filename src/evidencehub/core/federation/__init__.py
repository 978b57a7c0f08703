"""Federated sharing: signed aggregate bundles of protected KPI figures.

Contract: :func:`build_bundle` (publisher side), :func:`verify_bundle` (hub
side, raising :class:`BundleError`), :func:`canonical_json`, key helpers in
:mod:`evidencehub.core.federation.keys`. Format: ``docs/reference/bundle-format.md``.
"""

from __future__ import annotations

from evidencehub.core.federation.bundle import (
    FORMAT,
    FORMAT_VERSION,
    MAX_BUNDLE_BYTES,
    BundleError,
    BundleFigure,
    BundleInitiative,
    InitiativeFigures,
    VerifiedBundle,
    build_bundle,
    bundle_hash,
    canonical_json,
    initiative_key,
    parse_bundle,
    schema,
    signed_content,
    verify_bundle,
)
from evidencehub.core.federation.keys import (
    KeyFormatError,
    fingerprint,
    generate_private_key,
    load_private_key_pem,
    parse_public_key,
    private_key_pem,
    public_key_text,
)

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_BUNDLE_BYTES",
    "BundleError",
    "BundleFigure",
    "BundleInitiative",
    "InitiativeFigures",
    "KeyFormatError",
    "VerifiedBundle",
    "build_bundle",
    "bundle_hash",
    "canonical_json",
    "fingerprint",
    "generate_private_key",
    "initiative_key",
    "load_private_key_pem",
    "parse_bundle",
    "parse_public_key",
    "private_key_pem",
    "public_key_text",
    "schema",
    "signed_content",
    "verify_bundle",
]
