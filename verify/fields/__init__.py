"""Page texts in, fields out: which certificate it is and what it says."""

from verify.fields.extract import detect_kind, extract_fields

__all__ = ["detect_kind", "extract_fields"]
