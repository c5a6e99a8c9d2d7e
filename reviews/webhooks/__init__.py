"""Webhooks: publishers' endpoints, the outbox of deliveries, and signed sending with retries.

``endpoints`` holds the subscription services (who may register and deactivate an endpoint),
``selectors`` what each actor sees, ``outbox`` the follower of the log that turns events into
delivery rows, ``payloads`` what a delivery's body says (rendered again after a redaction), and
``delivery`` the signed sending, its lease and retries over ``http``.

Deliveries are driven from the event log by a durable cursor (``ledger.consumers``): the
consumer writes one delivery row per (endpoint, event) in the same transaction that moves its
cursor, so an event is turned into deliveries exactly once even if a worker dies. Sending happens
after commit, outside any transaction, within one total time limit (``reviews.webhooks.http``);
every try is recorded as a ``WebhookAttempt`` the publisher can read from the moment it starts,
and failures are retried with exponential backoff up to ``MAX_ATTEMPTS``. A lease with a fencing
token keeps a delivery from being sent twice at once, and an organisation gets a bounded share
of the sends under way (docs/adr/0023-bounded-sends-and-single-flight.md).

Signature: ``Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`` with the
Unix ``Webhook-Timestamp`` header; receivers recompute it and reject old timestamps.
"""
