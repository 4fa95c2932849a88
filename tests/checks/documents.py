"""Consistent printed fields per certificate kind (synthetic person: female, born 1985-01-15)."""

from __future__ import annotations

from datetime import date

from verify.domain import CredentialKind, Holder

TODAY = date(2025, 6, 1)
ID_NUMBER = "330106198501150020"
HOLDER = Holder(name="王芳", id_number=ID_NUMBER, gender="女", birth_date=date(1985, 1, 15))
PERSON = {"name": "王芳", "gender": "女", "id_number": ID_NUMBER}

DOCUMENTS: dict[CredentialKind, dict[str, str]] = {
    CredentialKind.PHYSICIAN_QUALIFICATION: PERSON | {
        "birth_date": "1985-01-15", "level": "执业医师", "category": "临床", "institution": "浙江大学",
        "number": "201233110" + ID_NUMBER, "issuer": "中华人民共和国卫生部", "issue_date": "2012-12-01",
    },
    CredentialKind.PHYSICIAN_PRACTICE: PERSON | {
        "birth_date": "1985-01-15", "number": "110330106001234", "level": "执业医师", "category": "临床",
        "scope": "内科专业", "institution": "杭州市第一人民医院", "issuer": "杭州市西湖区卫生健康局",
        "issue_date": "2015-03-02",
    },
    CredentialKind.LAWYER_PRACTICE: PERSON | {
        "institution": "浙江某某律师事务所", "category": "专职律师", "number": "13301201011012345",
        "qualification_number": "A20093301060123", "issuer": "浙江省司法厅", "issue_date": "2020-05-01",
    },
    CredentialKind.TEACHER_QUALIFICATION: PERSON | {
        "ethnicity": "汉族", "birth_date": "1985-01-15", "category": "高级中学教师资格", "subject": "数学",
        "number": "20103300142001234", "issuer": "杭州市教育局", "issue_date": "2010-07-01",
    },
}
