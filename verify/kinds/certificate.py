"""The words every certificate shares: the holder's captions, the issuer's, the 56 民族.

Sources: the printed-fields sections of docs/registry-rules.md (the exact captions are only partly
confirmed, hence the synonyms, the usual one first); the 56 民族 of the PRC.
"""

from __future__ import annotations

from verify.kinds.kind import Vocabulary

#: The holder's fields as captioned on most certificates.
PERSON_CAPTIONS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "持证人姓名", "持证人"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月"),
    "id_number": ("身份证号", "身份证件号码", "公民身份号码", "身份证号码", "证件号码"),
    "ethnicity": ("民族",),
}
NUMBER_CAPTIONS = ("证书编码", "执业证书编码", "执业证号", "证书号码", "证书编号")
ISSUER_CAPTIONS = ("发证机关", "签发机关", "颁发机关", "认定机构", "发证机构")
ISSUE_DATE_CAPTIONS = ("发证日期", "签发日期", "颁发日期", "认定时间", "认定日期", "批准日期")

#: One name per canonical field, whatever the kind: for messages, and where the kind is unknown.
FIELD_NAMES: dict[str, str] = {
    "name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号", "number": "证书编码",
    "level": "医师级别", "category": "类别", "scope": "执业范围", "institution": "执业机构",
    "issuer": "发证机关", "issue_date": "发证日期", "qualification_number": "法律职业资格或律师资格证号",
    "subject": "任教学科", "ethnicity": "民族", "series": "系列", "specialty": "专业", "rank": "资格名称",
    "grade": "级别", "committee": "评审委员会", "approval_number": "批准文号", "approval_date": "批准日期",
    "department": "所在科室", "position": "职务", "employer": "在职单位",
}

ETHNICITIES = Vocabulary((
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
    "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
), closed=True, source="the 56 民族 of the PRC")
