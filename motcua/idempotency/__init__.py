"""Requests that must not be carried out twice: a caller's ``Idempotency-Key`` and the answer the
first request with it got (docs/decisions/0019-idempotent-filing.md).

A leaf app: it imports nothing of motcua's, so the API (the top layer) and the residents' filing
pages alike can use it, and it knows callers only as strings (``"user:12"``, ``"resident:34"``).
"""
