"""Webhooks for other systems (a province's job portal, a statistics office): subscriptions per event,
bodies signed after the Standard Webhooks scheme, delivered at least once by the worker, a delivery log
with replay, personal fields only where the subscription's purpose allows them.

    events.py         emit(): the services' one call, written with their transaction (an outbox)
    payloads.py       the bodies, per purpose
    signing.py        secrets (encrypted at rest) and signatures
    targets.py        which URLs and addresses may be posted to, and the POST
    delivery.py       the worker's sending, retries and backoff
    subscriptions.py  the admins' changes, replay and test events (audited)
    views.py          /manage/webhooks

A lower area: it reads people, registrations and fairs, and is imported by the check-in, interview
and hire services that emit; it imports none of them."""
