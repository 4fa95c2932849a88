"""The reasons a verification gives that are not check codes, and what each means to a reviewer.

A verification's ``reasons`` hold the codes that decided its outcome: the code of a check
(``id_number.checksum`` ...) or one of these. Each reason here says why the machine did not
approve on its own; the reviewers' console shows ``REVIEWER_TEXT``.

>>> Reason.HOLDER_UNKNOWN.value, REVIEWER_TEXT[Reason.HOLDER_UNKNOWN][:5]
('holder_unknown', '平台未提供')
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # Reading
    KIND_NOT_RECOGNISED = "kind_not_recognised"
    NUMBER_NOT_FOUND = "number_not_found"
    NAME_NOT_FOUND = "name_not_found"
    DOCUMENT_KIND_MISMATCH = "document_kind_mismatch"
    LOW_CONFIDENCE = "low_confidence"
    OCR_READINGS_DISAGREE = "ocr_readings_disagree"
    PROCESSING_FAILED = "processing_failed"
    # Provenance: what the document is, not what it says
    UNSIGNED_DIGITAL_DOCUMENT = "unsigned_digital_document"
    TEXT_LAYER_MISMATCH = "text_layer_mismatch"
    SIGNATURE_INVALID = "signature_invalid"
    # The platform's real-name data
    HOLDER_UNKNOWN = "holder_unknown"
    HOLDER_ID_INVALID = "holder_id_invalid"
    # Reuse of a credential or document by another account
    CREDENTIAL_IN_USE = "credential_in_use"
    DOCUMENT_IN_USE = "document_in_use"
    # Issuing and policy
    LABEL_UNKNOWN = "label_unknown"
    REVIEW_ALL_POLICY = "review_all_policy"


#: What each reason means, in the reviewers' words.
REVIEWER_TEXT: dict[Reason, str] = {
    Reason.KIND_NOT_RECOGNISED: "未能识别证书类型",
    Reason.NUMBER_NOT_FOUND: "未找到证书编号",
    Reason.NAME_NOT_FOUND: "未找到姓名",
    Reason.DOCUMENT_KIND_MISMATCH: "证书类型与申请的职业不符",
    Reason.LOW_CONFIDENCE: "文字识别置信度低",
    Reason.OCR_READINGS_DISAGREE: "两次文字识别结果不一致",
    Reason.PROCESSING_FAILED: "多次处理失败",
    Reason.UNSIGNED_DIGITAL_DOCUMENT: "电子文档（PDF 文字层）没有可信的数字签名，任何人都可以制作，须人工核实",
    Reason.TEXT_LAYER_MISMATCH: "PDF 的文字层与页面显示的内容不一致（可能有隐藏文字）",
    Reason.SIGNATURE_INVALID: "PDF 数字签名无效，或签名后文件被修改",
    Reason.HOLDER_UNKNOWN: "平台未提供实名信息（姓名和身份证号），无法与证书核对",
    Reason.HOLDER_ID_INVALID: "平台提供的实名身份证号格式无效",
    Reason.CREDENTIAL_IN_USE: "该证书已为本平台其他账号或其他平台的不同持证人签发标签",
    Reason.DOCUMENT_IN_USE: "同一证书图片已被本平台其他账号或其他平台的不同持证人使用",
    Reason.LABEL_UNKNOWN: "标签词表中没有该证书的类别，无法自动签发",
    Reason.REVIEW_ALL_POLICY: "本平台设置为所有案件人工审核",
}
