"""Webhooks without the database: where a delivery may go, how it is signed, sent and retried.

``addresses`` (the SSRF policy), ``signing`` (Standard Webhooks ``v1`` signatures),
``sending`` (one attempt over a connection to the checked address), ``retries`` (the
schedule), ``events`` (the event types and what their ``data`` may hold). The outbox,
the dispatcher and the API live in ``verify.services.webhooks``, ``verify.services.dispatch``
and ``verify.jobs.dispatcher``.
"""
