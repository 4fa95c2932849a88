"""居民身份证号码, given on its own (its region names are GB/T 2260's: ``verify.registry.regions``).

>>> KIND.number_caption
'公民身份号码'
"""

from __future__ import annotations

from verify.domain import CredentialKind
from verify.kinds.kind import Kind

KIND = Kind(kind=CredentialKind.RESIDENT_ID, title="居民身份证", number_caption="公民身份号码")
