"""The official online look-ups a reviewer checks a credential against.

From docs/registry-rules.md#official-look-ups. None of these services takes its inputs in the
URL (most ask for a picture CAPTCHA), so a look-up is "prefilled" as its address plus
the exact values its form asks for, each ready to copy. ``note`` says what is not
confirmed about a service, so the reviewer knows how far to trust an empty answer.

>>> [l.service for l in lookups_for("lawyer_practice", "lawyer", {"name": "张三", "institution": "某律所"})]
['全国律师诚信信息公示平台', '中国法律服务网（12348）']
>>> lookups_for("lawyer_practice", "lawyer", {"name": "张三"})[0].inputs
(('律师姓名', '张三'),)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lookup:
    service: str
    url: str
    inputs: tuple[tuple[str, str], ...]  # (the form's field, the value to enter)
    note: str = ""


def _inputs(values: dict[str, str], *pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((label, values[name]) for label, name in pairs if values.get(name))


def _doctor(values: dict[str, str], *, at_institution: bool = True) -> Lookup:
    fields = (("姓名", "name"), ("医疗机构名称", "institution")) if at_institution else (("姓名", "name"),)
    return Lookup("国家卫生健康委 医生执业注册信息查询", "https://zgcx.nhc.gov.cn/doctor", _inputs(values, *fields),
                  "需选择省份并输入图片验证码，两次查询约间隔 60 秒；医生查询的输入项部分未确认。")


def _hospital(values: dict[str, str]) -> Lookup:
    return Lookup("国家卫生健康委 医疗机构查询", "https://zgcx.nhc.gov.cn/unit",
                  _inputs(values, ("医疗机构名称", "institution")), "需选择省份并输入图片验证码。")


def _titles(values: dict[str, str]) -> Lookup:
    return Lookup("全国职称评审信息查询（12333）", "https://www.12333.gov.cn",
                  _inputs(values, ("姓名", "name"), ("证件号码", "id_number"), ("证书编号", "number")),
                  "需以单位（法人）账号登录并输入图片验证码，持证人可看到查询记录；试运行，省级电子证书另有各省查询。")


def lookups_for(kind: str | None, profession: str, values: dict[str, str]) -> list[Lookup]:
    """The look-ups for a credential ``kind`` (or, unrecognised, the ``profession``) with ``values`` to enter.

    >>> [l.service for l in lookups_for("employment_letter", "doctor", {"institution": "某医院"})]
    ['国家卫生健康委 医疗机构查询', '全国组织机构统一社会信用代码数据服务中心']
    """
    if kind in ("title_certificate", "health_title_qualification"):
        return [_titles(values)] + ([_doctor(values)] if profession == "doctor" else [])
    if kind == "employment_letter":
        employer = Lookup("全国组织机构统一社会信用代码数据服务中心", "https://www.cods.org.cn",
                          _inputs(values, ("统一社会信用代码", "number"), ("机构名称", "institution")),
                          "核对单位名称、类型（事业单位 12、民办非企业单位 52）与在职证明所盖印章是否一致。")
        return ([_hospital(values)] if profession == "doctor" else []) + [employer]
    if kind == "physician_qualification":
        return [
            Lookup("医师资格证书", "", (),
                   "未发现公开的证书编号查询（国家医学考试网只查成绩）；持证人已执业时可查执业注册。"),
            _doctor(values, at_institution=False),  # its institution is the school, not a hospital
        ]
    if kind == "physician_practice" or (kind is None and profession == "doctor"):
        return [_doctor(values), _hospital(values)]
    if kind == "lawyer_practice" or (kind is None and profession == "lawyer"):
        return [
            Lookup("全国律师诚信信息公示平台", "https://credit.acla.org.cn",
                   _inputs(values, ("律师姓名", "name"), ("律所名称", "institution")),
                   "收录专职、兼职律师和律所，不含公职律师、公司律师。"),
            Lookup("中国法律服务网（12348）", "https://www.12348.gov.cn",
                   _inputs(values, ("姓名", "name"), ("执业证号", "number"), ("执业机构", "institution")),
                   "可按姓名、执业证号或机构查询；具体输入项未确认。"),
        ]
    if kind == "teacher_qualification" or (kind is None and profession == "teacher"):
        return [Lookup("中国教师资格网", "https://www.jszg.edu.cn",
                       _inputs(values, ("姓名", "name"), ("证件号码", "id_number"), ("教师资格证书号码", "number")),
                       "需图片验证码，部分功能需持证人本人登录；输入项未确认。")]
    return []
