"""A test PKI for signed PDFs: a CA the tests trust, a signer it certifies, and one it does not.

Made once per test run (ECDSA P-256 keys; certificates valid 2020-2040, so tests that fix "today"
anywhere in between validate) in a directory named by ``VERIFY_TEST_PKI_DIR``, which the first
process sets: the processes a test starts (a server, a worker, a process that crashes on purpose)
inherit it and trust, and sign with, the same keys. ``trusted_signers_file()`` is the PEM file the
tests name in ``VERIFY_TRUSTED_SIGNERS``; ``sign_pdf`` signs a whole file the way an e-certificate's
issuer would (pyHanko, one ``/Sig`` field, an incremental update over the original) and keeps the
result, so the same document signed in two processes is the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

PKI_DIR_VARIABLE = "VERIFY_TEST_PKI_DIR"


@dataclass(frozen=True)
class Authority:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def _certify(subject: str, key: ec.EllipticCurvePrivateKey, issuer: Authority | None) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(_name(subject))
               .issuer_name(issuer.certificate.subject if issuer else _name(subject))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC)).not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
               .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
               .add_extension(_usage(ca=issuer is None), critical=True))
    return builder.sign(issuer.key if issuer else key, hashes.SHA256())


_NAMES = {"ca": "Verify Test Root CA", "signer": "测试省卫生健康委员会 电子证照签章", "stranger": "Unknown Root CA",
          "forger": "测试省卫生健康委员会 电子证照签章"}
_ISSUERS = {"signer": "ca", "forger": "stranger"}


def _directory() -> Path:
    """This run's PKI directory (made, and named in the environment, by the first process that asks)."""
    named = os.environ.get(PKI_DIR_VARIABLE)
    if named:
        return Path(named)
    path = Path(tempfile.mkdtemp(prefix="verify-test-pki-"))
    os.environ[PKI_DIR_VARIABLE] = str(path)
    return path


def _write_once(path: Path, data: bytes) -> None:
    """Write ``data`` unless another process already wrote ``path`` (an atomic rename: never half a file)."""
    if not path.exists():
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_bytes(data)
        partial.replace(path)


@cache
def test_pki() -> dict[str, Authority]:
    """``ca`` (trusted by the tests), ``signer`` (certified by it), ``stranger`` (a CA nobody trusts) and ``forger``."""
    directory = _directory()
    found: dict[str, Authority] = {}
    for name in ("ca", "stranger", "signer", "forger"):
        key_file, cert_file = directory / f"{name}.key", directory / f"{name}.pem"
        if not (key_file.exists() and cert_file.exists()):
            key = ec.generate_private_key(ec.SECP256R1())
            certificate = _certify(_NAMES[name], key, found.get(_ISSUERS.get(name, "")))
            _write_once(key_file, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
            _write_once(cert_file, certificate.public_bytes(serialization.Encoding.PEM))
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        found[name] = Authority(x509.load_pem_x509_certificate(cert_file.read_bytes()), key)
    return found


def trusted_signers_file() -> Path:
    """A PEM file holding the test CA, for ``VERIFY_TRUSTED_SIGNERS``."""
    test_pki()
    return _directory() / "ca.pem"


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def sign_pdf(pdf: bytes, signer: str = "signer") -> bytes:
    """``pdf`` signed over the whole file by ``signer`` (``signer``: trusted; ``forger``: not); signed once per run."""
    kept = _directory() / f"signed-{signer}-{hashlib.sha256(pdf).hexdigest()}.pdf"
    if not kept.exists():
        _write_once(kept, _sign(pdf, signer))
    return kept.read_bytes()


def _sign(pdf: bytes, signer: str) -> bytes:
    pki = test_pki()
    who = pki[signer]
    issuer = pki[_ISSUERS[signer]]
    key = who.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    pdf_signer = signers.SimpleSigner(
        signing_cert=_asn1(who.certificate), signing_key=asn1_keys.PrivateKeyInfo.load(key),
        cert_registry=SimpleCertificateStore.from_certs([_asn1(issuer.certificate)]))
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), signers.PdfSignatureMetadata(field_name="Signature"),
                     signer=pdf_signer, output=out)
    return out.getvalue()


def append_after_signing(signed: bytes) -> bytes:
    """A signed file with an incremental update appended after its signature: page 1 covered by a white box.

    The signature's bytes still match, but it no longer covers the whole file.
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=b"q 1 1 1 rg 0 0 600 800 re f Q")
    contents = page["/Contents"]
    existing = list(contents) if isinstance(contents, generic.ArrayObject) else [page.raw_get("/Contents")]
    page["/Contents"] = generic.ArrayObject([*existing, writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_signed_byte(signed: bytes) -> bytes:
    """A signed file with one byte inside the signed range changed (its signature no longer matches)."""
    changed = bytearray(signed)
    position = changed.index(b"/Producer") if b"/Producer" in changed else 200
    changed[position + 2] ^= 0x01
    return bytes(changed)
