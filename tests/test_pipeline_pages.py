"""Which pages of a submission the fields are read from: the credential's, not a cover page's."""

from __future__ import annotations

import io
from datetime import date

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from tests.certificates import make_certificate
from tests.signing import trusted_signers_file
from tests.uploads import signed_pdf
from verify.config import Limits
from verify.domain import CredentialKind, Holder, Outcome
from verify.pipeline import credential_pages, run_pipeline
from verify.reading import PageText
from verify.reading.ocr import NullEngine
from verify.reading.signatures import read_trust_roots

#: An application form sent before the certificate: an agent's name and sex, a date, the title.
COVER = ("资质审核申请表", "经办人姓名：王小明", "性别：女", "联系电话：13800000000", "提交日期：2025年03月01日",
         "所附材料：医师执业证书")


def _text_pdf(lines: tuple[str, ...]) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setFont("STSong-Light", 12)
    for i, line in enumerate(lines):
        canvas.drawString(72, 750 - 20 * i, line)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize("kind", ["physician_practice", "physician_qualification", "teacher_qualification"])
def test_a_cover_page_with_labels_of_its_own_is_not_read_as_the_certificate(kind: str) -> None:
    cert = make_certificate(kind, seed=3)
    holder = Holder(cert.fields["name"], cert.fields["id_number"])
    result = run_pipeline([_text_pdf(COVER), signed_pdf(cert)], None, holder, ocr=NullEngine(), limits=Limits(),
                          today=date(2026, 1, 15), confidence_floor=0.8,
                          trust_roots=read_trust_roots([trusted_signers_file()]))
    assert result.extraction is not None and result.pages == 2
    assert result.extraction.values()["name"] == cert.fields["name"]
    assert result.extraction.values()["gender"] == cert.fields["gender"]
    assert result.decision.outcome is Outcome.APPROVED  # the typed, unsigned cover page is not the credential


def test_a_certificate_printed_over_two_pages_keeps_both() -> None:
    front = PageText(0, "医师执业证书\n姓名 张三\n性别 男\n出生日期 1980年01月02日", "text")
    back = PageText(1, "执业类别 临床\n执业范围 内科专业\n发证日期 2015年03月04日", "text")
    cover = PageText(2, "请核对：姓名", "text")
    kept = credential_pages(CredentialKind.PHYSICIAN_PRACTICE, [cover, front, back])
    assert [page.index for page in kept] == [0, 1]


def test_pages_without_any_label_are_all_kept() -> None:
    pages = [PageText(0, "资质审核材料", "text"), PageText(1, "请妥善保管", "text")]
    assert credential_pages(CredentialKind.PHYSICIAN_PRACTICE, pages) == pages
