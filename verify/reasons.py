"""The reasons a verification gives that are not check codes, and what each means to each audience.

A verification's ``reasons`` hold the codes that decided its outcome: the code of a check
(``id_number.checksum`` ..., whose own message explains it) or one of these. Each reason here
says why the machine did not approve on its own, or why it could not read the document (the
document errors' problem type slugs, ``verify.errors``). Two tables, one per audience, each
with a text for every reason: ``REVIEWER_TEXT`` (the reviewers' console) and ``APPLICANT_TEXT``
(plain words a platform may show the person who uploaded, with no detail that would help a
forger).

>>> Reason.HOLDER_UNKNOWN.value, REVIEWER_TEXT[Reason.HOLDER_UNKNOWN][:5]
('holder_unknown', '平台未提供')
>>> APPLICANT_TEXT[Reason("encrypted_pdf")]
'PDF 文件设有密码，请上传未加密的文件。'
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
    # The document could not be read (the problem type slugs of verify.errors.DocumentError)
    DOCUMENT_ERROR = "document_error"
    FILE_TOO_LARGE = "file_too_large"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    TYPE_MISMATCH = "type_mismatch"
    TOO_MANY_PAGES = "too_many_pages"
    PIXEL_LIMIT = "pixel_limit"
    ENCRYPTED_PDF = "encrypted_pdf"
    PARSE_ERROR = "parse_error"
    PARSE_TIMEOUT = "parse_timeout"
    OCR_TIMEOUT = "ocr_timeout"
    RESOURCE_LIMIT = "resource_limit"
    INTEGRITY_ERROR = "integrity_error"  # the stored upload failed its check (verify.errors.IntegrityFailure)
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
    # Ranks and workplaces (several documents in one submission)
    EMPLOYMENT_LETTER_REVIEW = "employment_letter_review"
    PRACTICE_CERTIFICATE_NEEDED = "practice_certificate_needed"


#: What each reason means, in the reviewers' words.
REVIEWER_TEXT: dict[Reason, str] = {
    Reason.KIND_NOT_RECOGNISED: "未能识别证书类型",
    Reason.NUMBER_NOT_FOUND: "未找到证书编号",
    Reason.NAME_NOT_FOUND: "未找到姓名",
    Reason.DOCUMENT_KIND_MISMATCH: "证书类型与申请的职业不符",
    Reason.LOW_CONFIDENCE: "文字识别置信度低",
    Reason.OCR_READINGS_DISAGREE: "两次文字识别结果不一致",
    Reason.PROCESSING_FAILED: "多次处理失败",
    Reason.DOCUMENT_ERROR: "文件无法处理",
    Reason.FILE_TOO_LARGE: "文件过大",
    Reason.TYPE_NOT_ALLOWED: "文件类型不受支持",
    Reason.TYPE_MISMATCH: "文件内容与声明的类型不符",
    Reason.TOO_MANY_PAGES: "文件页数过多",
    Reason.PIXEL_LIMIT: "图片尺寸过大",
    Reason.ENCRYPTED_PDF: "PDF 设有密码",
    Reason.PARSE_ERROR: "文件无法解析（可能已损坏）",
    Reason.PARSE_TIMEOUT: "解析超时",
    Reason.OCR_TIMEOUT: "文字识别超时",
    Reason.RESOURCE_LIMIT: "读取文件所需的内存或时间超出限制",
    Reason.INTEGRITY_ERROR: "存储的数据未通过完整性校验",
    Reason.UNSIGNED_DIGITAL_DOCUMENT: "电子文档（PDF 文字层）没有可信的数字签名，任何人都可以制作，须人工核实",
    Reason.TEXT_LAYER_MISMATCH: "PDF 的文字层与页面显示的内容不一致（可能有隐藏文字）",
    Reason.SIGNATURE_INVALID: "PDF 数字签名无效，或签名后文件被修改",
    Reason.HOLDER_UNKNOWN: "平台未提供实名信息（姓名和身份证号），无法与证书核对",
    Reason.HOLDER_ID_INVALID: "平台提供的实名身份证号格式无效",
    Reason.CREDENTIAL_IN_USE: "该证书已为本平台其他账号或其他平台的不同持证人签发标签",
    Reason.DOCUMENT_IN_USE: "同一证书图片已被本平台其他账号或其他平台的不同持证人使用",
    Reason.LABEL_UNKNOWN: "标签词表中没有该证书的类别，无法自动签发",
    Reason.REVIEW_ALL_POLICY: "本平台设置为所有案件人工审核",
    Reason.EMPLOYMENT_LETTER_REVIEW: (
        "含在职证明：单位出具的证明只能由人工核实（核对单位、科室与印章），通过后标签才显示科室和单位"),
    Reason.PRACTICE_CERTIFICATE_NEEDED: "医师职称须与其所依据的医师执业证书一并提交，方可自动签发显示职称的标签",
}

_IN_REVIEW = "您的材料已提交人工审核，请耐心等待结果。"
_UNREADABLE = "未能读取您上传的文件，请上传证书原件的清晰照片或扫描件。"
#: What each reason means to the applicant: plain, user-safe, never how the service checks.
APPLICANT_TEXT: dict[Reason, str] = {
    Reason.KIND_NOT_RECOGNISED: "未能识别您上传的证书，请上传完整、清晰的证书页面。",
    Reason.NUMBER_NOT_FOUND: "未能读取证书编号，请上传完整、清晰的证书页面。",
    Reason.NAME_NOT_FOUND: "未能读取证书上的姓名，请上传完整、清晰的证书页面。",
    Reason.DOCUMENT_KIND_MISMATCH: "您上传的证书与所选职业不符，请上传该职业的执业证书或资格证书。",
    Reason.LOW_CONFIDENCE: _IN_REVIEW,
    Reason.OCR_READINGS_DISAGREE: _IN_REVIEW,
    Reason.PROCESSING_FAILED: _IN_REVIEW,
    Reason.DOCUMENT_ERROR: _UNREADABLE,
    Reason.FILE_TOO_LARGE: "文件过大，请压缩后重新上传。",
    Reason.TYPE_NOT_ALLOWED: "仅支持 PDF、JPEG、PNG、TIFF 和 WebP 文件。",
    Reason.TYPE_MISMATCH: "文件内容与文件类型不符，请重新导出后上传。",
    Reason.TOO_MANY_PAGES: "文件页数过多，请只上传证书所在的页面。",
    Reason.PIXEL_LIMIT: "图片尺寸过大，请缩小后重新上传。",
    Reason.ENCRYPTED_PDF: "PDF 文件设有密码，请上传未加密的文件。",
    Reason.PARSE_ERROR: _UNREADABLE,
    Reason.PARSE_TIMEOUT: _IN_REVIEW,
    Reason.OCR_TIMEOUT: _IN_REVIEW,
    Reason.RESOURCE_LIMIT: _UNREADABLE,
    Reason.INTEGRITY_ERROR: _IN_REVIEW,
    Reason.UNSIGNED_DIGITAL_DOCUMENT: _IN_REVIEW,
    Reason.TEXT_LAYER_MISMATCH: _IN_REVIEW,
    Reason.SIGNATURE_INVALID: _IN_REVIEW,
    Reason.HOLDER_UNKNOWN: _IN_REVIEW,
    Reason.HOLDER_ID_INVALID: _IN_REVIEW,
    Reason.CREDENTIAL_IN_USE: _IN_REVIEW,
    Reason.DOCUMENT_IN_USE: _IN_REVIEW,
    Reason.LABEL_UNKNOWN: _IN_REVIEW,
    Reason.REVIEW_ALL_POLICY: _IN_REVIEW,
    Reason.EMPLOYMENT_LETTER_REVIEW: _IN_REVIEW,
    Reason.PRACTICE_CERTIFICATE_NEEDED: "职称证书请与您的医师执业证书一并上传。",
}
