"""The reviewers' console at ``/review/``: server-rendered pages over the review services.

``console`` holds the blueprint and its views, ``session`` the signed-in reviewer and
CSRF tokens, ``pages`` the document rendering, ``lookups`` the official look-up links,
``words`` the Chinese names the pages show. This package module stays import-light:
``pages`` runs in the isolated child processes that render untrusted documents.
"""
