"""Writes of federated sharing: export a signed bundle of this instance's
protected figures, trust a publisher, import a bundle on a hub.

The private signing key lives in the file ``settings.EVIDENCEHUB_BUNDLE_KEY_FILE``
(created mode 0600 on first use, refused when others can read it); only its
public half is stored in a table."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from evidencehub.apps.accounts.models import Organisation, User
from evidencehub.apps.audit.services import audit_record
from evidencehub.apps.disclosure.selectors import (
    Audience,
    release_policy,
    released_results,
)
from evidencehub.apps.federation.models import (
    ImportedBundle,
    ImportedFigure,
    SigningKey,
    TrustedPublisher,
)
from evidencehub.apps.initiatives.models import Initiative
from evidencehub.apps.kpis.selectors import stored
from evidencehub.core.federation import (
    MAX_BUNDLE_BYTES,
    BundleError,
    InitiativeFigures,
    KeyFormatError,
    VerifiedBundle,
    build_bundle,
    canonical_json,
    fingerprint,
    generate_private_key,
    initiative_key,
    load_private_key_pem,
    parse_public_key,
    private_key_pem,
    public_key_text,
    verify_bundle,
)
from evidencehub.core.federation.keys import derived_secret
from evidencehub.core.kpis.definitions import load_catalogue
from evidencehub.core.kpis.results import Period


def key_path() -> Path:
    return Path(settings.EVIDENCEHUB_BUNDLE_KEY_FILE)


def _write_new_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes creating the key at once cannot overwrite each
    # other; the loser reads the winner's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_key_pem(generate_private_key()))


def signing_key() -> Ed25519PrivateKey:
    """This instance's private signing key, made on first use, with its public
    half recorded in :class:`SigningKey`.

    Raises:
        ValidationError: ``{"key_file": ...}`` when the file can be read by
            group or others, or is not an Ed25519 key.
    """
    path = key_path()
    if not path.exists():
        _write_new_key(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ValidationError(
            {
                "key_file": f"{path} can be read by others (mode {mode:o}); "
                f"run `chmod 600 {path}`."
            }
        )
    try:
        key = load_private_key_pem(path.read_bytes())
    except KeyFormatError as exc:
        raise ValidationError({"key_file": f"{path}: {exc}."}) from None
    SigningKey.objects.get_or_create(
        fingerprint=fingerprint(key), defaults={"public_key": public_key_text(key)}
    )
    return key


def bundle_export(
    *, organisation: Organisation, period: Period, actor: User | None = None
) -> dict[str, Any]:
    """A signed bundle (JSON-ready ``dict``) of ``organisation``'s stored KPI
    totals for ``period``, each passed through the release pipeline as for an
    outside viewer (``released_results(..., Audience.OUTSIDE)``).

    Raises:
        ValidationError: ``{"period": ...}`` when no results are stored;
            ``{"key_file": ...}`` (see :func:`signing_key`).
    """
    key = signing_key()
    secret = derived_secret(key, "initiative-key")
    items: list[InitiativeFigures] = []
    for initiative in Initiative.objects.filter(organisation=organisation).order_by(
        "pk"
    ):
        results = stored(initiative=initiative, period=period)
        if not results:
            continue
        items.append(
            InitiativeFigures(
                key=initiative_key(secret, f"initiative:{initiative.pk}"),
                intervention_type=initiative.intervention_type,
                released=released_results(results=results, audience=Audience.OUTSIDE),
            )
        )
    if not items:
        raise ValidationError(
            {
                "period": f"No KPI results are stored for {organisation.slug} in "
                f"{period.label}; compute them first (`evidencehub kpi compute`)."
            }
        )
    doc = build_bundle(
        key=key,
        publisher_organisation=organisation.slug,
        publisher_name=organisation.name,
        created_at=timezone.now(),
        catalogue_version=load_catalogue().version,
        period=period,
        threshold=release_policy().threshold,
        initiatives=items,
    )
    if len(canonical_json(doc)) > MAX_BUNDLE_BYTES:
        raise ValidationError(
            {
                "period": f"The bundle would be larger than {MAX_BUNDLE_BYTES} "
                "bytes; export a shorter period or fewer KPIs."
            }
        )
    audit_record(
        action="evidencehub.bundle.exported",
        actor=actor,
        organisation=organisation,
        data={
            "period": period.label,
            "initiatives": len(items),
            "figures": sum(len(i["results"]) for i in doc["initiatives"]),
            "key_fingerprint": doc["signature"]["key_fingerprint"],
        },
    )
    return doc


def trust_publisher(
    *, name: str, public_key: str, actor: User | None = None
) -> TrustedPublisher:
    """Accept bundles signed with ``public_key`` (base64 Ed25519, as printed by
    ``evidencehub bundle key`` on the publisher's instance).

    Raises:
        ValidationError: ``{"name": ...}`` empty or too long;
            ``{"public_key": ...}`` unreadable or already trusted.
    """
    clean_name = name.strip()
    if not clean_name or len(clean_name) > 200:
        raise ValidationError({"name": "Give a name of 1 to 200 characters."})
    try:
        print_ = fingerprint(parse_public_key(public_key))
    except KeyFormatError as exc:
        raise ValidationError({"public_key": f"{exc}."}) from None
    existing = TrustedPublisher.objects.filter(fingerprint=print_).first()
    if existing is not None and existing.revoked_at is not None:
        raise ValidationError(
            {
                "public_key": f"This key was revoked on {existing.revoked_at:%Y-%m-%d}"
                "; ask the publisher for a new key."
            }
        )
    if existing is not None:
        raise ValidationError(
            {"public_key": f"This key is already trusted as {existing.name!r}."}
        )
    with transaction.atomic():
        publisher = TrustedPublisher.objects.create(
            name=clean_name,
            public_key=public_key.strip(),
            fingerprint=print_,
            added_by=actor if actor is not None and actor.is_authenticated else None,
        )
        audit_record(
            action="evidencehub.bundle_publisher.trusted",
            actor=actor,
            obj=publisher,
            data={"name": clean_name, "fingerprint": print_},
        )
    return publisher


def revoke_publisher(
    *, key_fingerprint: str, actor: User | None = None
) -> TrustedPublisher:
    """Stop trusting a key (lost or leaked): bundles it signs are refused from
    now on, and figures it signed no longer reach benchmarks.

    Raises:
        ValidationError: ``{"fingerprint": ...}`` unknown or already revoked.
    """
    publisher = TrustedPublisher.objects.filter(
        fingerprint=key_fingerprint.strip()
    ).first()
    if publisher is None:
        raise ValidationError(
            {"fingerprint": "No trusted publisher has this key fingerprint."}
        )
    if publisher.revoked_at is not None:
        raise ValidationError(
            {"fingerprint": f"Already revoked on {publisher.revoked_at:%Y-%m-%d}."}
        )
    with transaction.atomic():
        publisher.revoked_at = timezone.now()
        publisher.revoked_by = (
            actor if actor is not None and actor.is_authenticated else None
        )
        publisher.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            action="evidencehub.bundle_publisher.revoked",
            actor=actor,
            obj=publisher,
            data={"name": publisher.name, "fingerprint": publisher.fingerprint},
        )
    return publisher


def _verify(data: bytes | str | dict[str, Any]) -> VerifiedBundle:
    trusted = dict(
        TrustedPublisher.objects.filter(revoked_at__isnull=True).values_list(
            "fingerprint", "public_key"
        )
    )
    known = {k.id: k.version for k in load_catalogue().kpis}
    try:
        return verify_bundle(
            data,
            trusted,
            known_kpis=known,
            min_threshold=release_policy().threshold,
        )
    except BundleError as exc:
        raise ValidationError({"bundle": f"Refused: {exc}."}) from None


def _figures(bundle: ImportedBundle, verified: VerifiedBundle) -> list[ImportedFigure]:
    return [
        ImportedFigure(
            bundle=bundle,
            initiative_key=item.key,
            intervention_type=item.intervention_type,
            period_label=verified.period.label,
            kpi_id=f.kpi_id,
            kpi_version=f.kpi_version,
            status=f.status,
            suppressed=f.suppressed,
            value=f.value,
            numerator=f.numerator,
            denominator=f.denominator,
            lower=f.lower,
            upper=f.upper,
            n=f.n,
            unit=f.unit,
            methods=[{"id": i, "version": v} for i, v in f.methods],
            suppression_reasons=list(f.suppression_reasons),
        )
        for item in verified.initiatives
        for f in item.figures
    ]


def _duplicate(sha256: str) -> ValidationError:
    when = (
        ImportedBundle.objects.filter(sha256=sha256)
        .values_list("imported_at", flat=True)
        .first()
    )
    stamp = f" on {when:%Y-%m-%d %H:%M} UTC" if when else ""
    return ValidationError({"bundle": f"Refused: already imported{stamp}."})


def bundle_import(
    *, data: bytes | str | dict[str, Any], actor: User | None = None
) -> ImportedBundle:
    """Verify a bundle (see ``core.federation.verify_bundle``) and store it
    with its figures in one transaction: a refused bundle stores nothing.

    Raises:
        ValidationError: ``{"bundle": "Refused: <reason>."}``, including a
            bundle already imported (same SHA-256).
    """
    verified = _verify(data)
    if ImportedBundle.objects.filter(sha256=verified.sha256).exists():
        raise _duplicate(verified.sha256)
    publisher = TrustedPublisher.objects.get(fingerprint=verified.key_fingerprint)
    try:
        with transaction.atomic():
            bundle = ImportedBundle.objects.create(
                publisher=publisher,
                organisation_slug=verified.publisher_organisation,
                organisation_name=verified.publisher_name,
                sha256=verified.sha256,
                period_label=verified.period.label,
                period_start=verified.period.start,
                period_end=verified.period.end,
                catalogue_version=verified.catalogue_version,
                threshold=verified.threshold,
                methods=[{"id": i, "version": v} for i, v in verified.methods],
                created_at=verified.created_at,
                imported_by=actor
                if actor is not None and actor.is_authenticated
                else None,
            )
            figures = ImportedFigure.objects.bulk_create(_figures(bundle, verified))
            audit_record(
                action="evidencehub.bundle.imported",
                actor=actor,
                obj=bundle,
                data={
                    "publisher": publisher.name,
                    "organisation": verified.publisher_organisation,
                    "period": verified.period.label,
                    "sha256": verified.sha256,
                    "figures": len(figures),
                },
            )
    except IntegrityError:
        # Another import of the same bundle won the race.
        raise _duplicate(verified.sha256) from None
    return bundle
