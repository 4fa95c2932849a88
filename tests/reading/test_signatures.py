"""PDF signatures: trusted, untrusted, broken, and the trusted-signer setting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.certificates import make_certificate, render_pdf
from tests.conftest import make_app
from tests.signing import append_after_signing, flip_signed_byte, sign_pdf, trusted_signers_file
from verify.reading.signatures import SignatureState, check_signatures, read_trust_roots

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
PDF = render_pdf(make_certificate("lawyer_practice", seed=6))


@pytest.fixture(scope="module")
def roots() -> tuple[bytes, ...]:
    return read_trust_roots([trusted_signers_file()])


@pytest.mark.parametrize(("document", "state"), [
    (lambda: PDF, SignatureState.UNSIGNED),
    (lambda: sign_pdf(PDF), SignatureState.TRUSTED),
    (lambda: sign_pdf(PDF, "forger"), SignatureState.UNTRUSTED),  # same name, a CA nobody trusts
    (lambda: append_after_signing(sign_pdf(PDF)), SignatureState.BROKEN),  # the signature no longer covers it all
    (lambda: flip_signed_byte(sign_pdf(PDF)), SignatureState.BROKEN),  # a signed byte changed
    (lambda: PDF + b"\n% /ByteRange [0 1 2 3]\n", SignatureState.BROKEN),  # a signature no field leads to
])
def test_verdicts(roots: tuple[bytes, ...], document: object, state: SignatureState) -> None:
    assert check_signatures(document(), roots, NOW).state is state  # type: ignore[operator]


def test_without_trust_roots_an_intact_signature_proves_nothing() -> None:
    assert check_signatures(sign_pdf(PDF), (), NOW).state is SignatureState.UNTRUSTED


def test_a_signature_outside_its_certificates_validity_is_not_trusted(roots: tuple[bytes, ...]) -> None:
    assert check_signatures(sign_pdf(PDF), roots, datetime(2045, 1, 1, tzinfo=UTC)).state is not \
        SignatureState.TRUSTED


def test_garbage_that_claims_a_signature_is_broken_not_a_crash(roots: tuple[bytes, ...]) -> None:
    for data in (b"%PDF-1.7\n/ByteRange\n", sign_pdf(PDF)[-9000:], b"\x00" * 100 + b"/ByteRange"):
        assert check_signatures(data, roots, NOW).state is SignatureState.BROKEN


def test_a_trusted_signer_file_that_is_missing_or_not_a_certificate_stops_the_start(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    for setting, message in ((str(tmp_path / "missing.pem"), "cannot read"), (str(junk), "no PEM certificate")):
        with pytest.raises(ValueError, match=message):
            make_app(tmp_path / "data", trusted_signers=setting)
    two = make_app(tmp_path / "data2", trusted_signers=f"{trusted_signers_file()}, {trusted_signers_file()}")
    assert len(two.extensions["verify"].trust_roots) == 2
