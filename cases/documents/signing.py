"""The agency's signature on a final Supplement B (PAdES with pyHanko) and its inspection.

Key and certificate come from one PKCS#12 file (settings.UVISA_SIGNING_P12 and its password).
`make_signing_key` writes a self-signed development identity; production points the setting at
the department's own file. The agency seal never replaces the Chief's ink signature (the
Supplement B instructions refuse a photocopied signature page); it lets anyone prove a PDF
unaltered.
"""

from __future__ import annotations

# pyHanko, asn1crypto and cryptography's x509 are imported inside the functions that use them:
# together they take about 0.6 s to import, paid only by the processes that seal or check a file.
import contextlib
import hashlib
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cases.errors import WorkflowError

logger = logging.getLogger(__name__)
T = TypeVar("T")


def outside_event_loop(call: Callable[[], T]) -> T:
    """pyHanko's sync API calls asyncio.run(), which fails inside a running loop (an ASGI
    thread, or Playwright's sync API, whose greenlet-driven loop get_running_loop() does not
    always report): always run it in a fresh worker thread, which has no loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


class SigningError(WorkflowError):
    """The form could not be signed; the certification does not happen (shown to the user)."""


@dataclass(frozen=True)
class SignatureInfo:
    present: bool
    intact: bool = False  # the signed bytes hash to what the signature says
    valid: bool = False  # the cryptographic signature checks out
    entire_file: bool = False  # nothing was appended after signing
    certificate_sha256: str = ""
    signer: str = ""
    error: str = ""


def create_identity(
    *, common_name: str, organization: str, password: bytes, days: int = 3 * 365
) -> bytes:
    """A self-signed RSA-2048 certificate and key as PKCS#12 bytes (development and tests)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, None, serialization.BestAvailableEncryption(password)
    )


@lru_cache(maxsize=4)
def _load_signer(path: str, mtime: float, password: str):
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    except Exception as exc:  # pyHanko raises several kinds for a bad file or password
        logger.error("Cannot read the signing key %s: %s", path, exc)
        raise SigningError(
            "The file could not be sealed: the signing key cannot be read. Nothing was recorded."
        ) from exc
    if signer is None:
        logger.error("Cannot read the signing key %s (wrong password?)", path)
        raise SigningError(
            "The file could not be sealed: the signing key cannot be read (wrong password?). "
            "Nothing was recorded."
        )
    return signer


def signer():
    path = Path(settings.UVISA_SIGNING_P12)
    if not path.is_file():
        logger.error("No signing key at %s (UVISA_SIGNING_P12)", path)
        raise SigningError(
            "The file could not be sealed: no signing key is configured (UVISA_SIGNING_P12; "
            "`python manage.py make_signing_key` for development). Nothing was recorded."
        )
    password = settings.UVISA_SIGNING_P12_PASSWORD
    sibling = path.with_name(path.name + ".password")  # what make_signing_key writes
    if not password and sibling.is_file():
        password = sibling.read_text().strip()
    return _load_signer(str(path), path.stat().st_mtime, password)


def certificate_sha256(cert) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def agency_certificate_fingerprints() -> set[str]:
    """The current signing certificate and any earlier ones listed in settings."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    found = set()
    with contextlib.suppress(SigningError):  # no key configured: only earlier certificates
        found.add(certificate_sha256(signer().signing_cert))
    for name in settings.UVISA_SIGNING_EXTRA_CERTS:
        data = Path(name).read_bytes()
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        found.add(certificate_sha256(asn1_x509.Certificate.load(data)))
    return found


def sign_pdf(pdf: bytes, *, reason: str, location: str, contact: str = "") -> tuple[bytes, str]:
    """PAdES-signed bytes and the signer certificate's SHA-256."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    if not settings.UVISA_SIGNING_P12:
        raise ImproperlyConfigured("UVISA_SIGNING_P12 is not set.")
    agency_signer = signer()
    meta = signers.PdfSignatureMetadata(
        field_name="AgencySignature",
        reason=reason,
        location=location,
        contact_info=contact or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    try:
        out = outside_event_loop(
            lambda: signers.sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf)),
                meta,
                signer=agency_signer,
                bytes_reserved=8192,
            )
        )
    except Exception as exc:
        logger.exception("Signing failed")
        raise SigningError(
            f"The file could not be sealed with the agency's key ({exc}). Nothing was recorded."
        ) from exc
    return out.getvalue(), certificate_sha256(agency_signer.signing_cert)


def inspect_signature(data: bytes) -> SignatureInfo:
    """What the last embedded signature says; the caller decides whether the key is the agency's."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # any parse failure means "not a readable PDF"
        return SignatureInfo(present=False, error=f"not a readable PDF ({type(exc).__name__})")
    if not signatures:
        return SignatureInfo(present=False, error="no digital signature")
    embedded = signatures[-1]
    try:
        cert = embedded.signer_cert
        fingerprint = certificate_sha256(cert)
        signer_name = cert.subject.human_friendly
    except Exception as exc:
        return SignatureInfo(present=True, error=f"unreadable signature ({type(exc).__name__})")
    quiet = logging.getLogger("pyhanko_certvalidator")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # an untrusted self-signed root is logged as a traceback
    try:
        # Trust the embedded certificate itself: this checks integrity and the maths; whose key
        # it is (the agency's or not) is decided by the caller from the fingerprint.
        status = outside_event_loop(
            lambda: validate_pdf_signature(embedded, ValidationContext(trust_roots=[cert]))
        )
    except Exception as exc:
        return SignatureInfo(
            present=True,
            certificate_sha256=fingerprint,
            signer=signer_name,
            error=f"signature does not validate ({type(exc).__name__})",
        )
    finally:
        quiet.setLevel(level)
    from pyhanko.sign.validation import SignatureCoverageLevel

    return SignatureInfo(
        present=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        entire_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        certificate_sha256=fingerprint,
        signer=signer_name,
    )
