"""Outgoing webhooks: subscriptions per event type, signed deliveries sent by the worker.

- `events`: the event registry and the one-line emit helpers the other apps' services call;
- `emission`: `webhook_event_emit` (one delivery per active subscription, sent after commit);
- `signing`: the `Clientela-Signature` header and `webhook_signature_verify`;
- `delivery` and `tasks`: claiming, sending, retrying with back-off, auto-disabling;
- `services` / `selectors`: managing subscriptions and reading the delivery log (admins only).

See docs/webhooks.md.
"""
