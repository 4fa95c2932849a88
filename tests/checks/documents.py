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
    CredentialKind.TITLE_CERTIFICATE: PERSON | {
        "birth_date": "1985-01-15", "institution": "杭州市第一人民医院", "series": "卫生", "specialty": "心血管内科",
        "rank": "主任医师", "grade": "正高级", "committee": "浙江省卫生高级专业技术资格评审委员会",
        "approval_number": "浙人社发〔2023〕12号", "approval_date": "2023-12-20", "number": "2023330012345",
        "issuer": "浙江省人力资源和社会保障厅", "issue_date": "2024-01-15",
    },
    CredentialKind.HEALTH_TITLE_QUALIFICATION: PERSON | {
        "birth_date": "1985-01-15", "specialty": "心血管内科学", "rank": "主治医师", "grade": "中级",
        "approval_date": "2016-05-22", "number": "2016330000123456", "issuer": "中华人民共和国人力资源和社会保障部",
        "issue_date": "2016-09-01",
    },
    CredentialKind.EMPLOYMENT_LETTER: PERSON | {
        "institution": "杭州市第一人民医院", "number": "12330100MA01ABCD52", "department": "心血管内科",
        "position": "科室主任", "rank": "主任医师", "issue_date": "2025-05-10", "issuer": "杭州市第一人民医院",
    },
}
