"""What webhooks cost the check-in path: CPU per check-in through the one service
(fairapp.checkins.services.check_in, one transaction each, SQLite with synchronous=FULL) in four
set-ups, interleaved in rounds so that the machine's load falls on all alike:

    before       emit() replaced by a no-op: the path as it was without webhooks
    none         no subscription at all (the cached lookup of subscribed events only)
    other        an active subscription to another event (hire.recorded)
    subscribed   a subscription to checkin.created: each check-in writes its delivery at commit

and an offline device's batch: BATCH scans in one transaction with two subscriptions (the deliveries
written by one INSERT at commit).

    .venv/bin/python bench/webhook_emit_bench.py"""

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUNDS = 6
PER_ROUND = 200  # check-ins per set-up per round
BATCH = 200
SETUPS = ("before", "none", "other", "subscribed")


def _seed(db, count: int):
    from fairapp.attendees.models import Attendee, Channel, Gender, Registration
    from fairapp.auth import services as users
    from fairapp.fairs.models import Fair, FairStatus
    from fairapp.modelbase import utcnow
    from fairapp.text import fold
    from fairapp.tickets.signing import ticket_payload

    starts = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    fair = Fair(
        title="Phiên đo",
        ward_code="05528",
        venue_name="Nhà văn hoá",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        status=FairStatus.OPEN,
        opened_at=starts,
    )
    db.session.add(fair)
    gate = users.create_user(
        email="gate@bench.vn", full_name="Cổng", role="gate", password="bench-password-1"
    )
    db.session.flush()
    registrations = []
    for n in range(count):
        attendee = Attendee(
            full_name=f"Người {n}",
            name_key=fold(f"Người {n}"),
            phone=f"09{n:08d}",
            birth_year=1990,
            gender=Gender.FEMALE,
            ward_code="05528",
        )
        db.session.add(attendee)
        db.session.flush()
        registration = Registration(
            fair_id=fair.id,
            attendee_id=attendee.id,
            channel=Channel.ONLINE,
            consent_personal_data_version="2025-01",
            consent_personal_data_at=utcnow(),
        )
        db.session.add(registration)
        registrations.append(registration)
    db.session.flush()
    payloads = [ticket_payload(r) for r in registrations]
    db.session.commit()
    return fair.id, gate.id, payloads


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="fairapp-webhook-bench-") as folder:
        os.environ["FAIRAPP_INSTANCE_PATH"] = folder
        from flask_migrate import upgrade

        from fairapp import create_app
        from fairapp.auth.models import User
        from fairapp.checkins import services as checkins
        from fairapp.extensions import db
        from fairapp.fairs.services import fair_state
        from fairapp.geo import loader
        from fairapp.transactions import run_in_transaction
        from fairapp.webhooks import events, subscriptions
        from fairapp.webhooks.models import Subscription

        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.sqlite3",
            }
        )
        with app.app_context(), app.test_request_context("/"):
            upgrade()
            loader.load_units()
            db.session.commit()
            needed = ROUNDS * PER_ROUND * len(SETUPS) + 2 * BATCH
            fair_id, gate_id, payloads = _seed(db, needed)
            tickets = iter(payloads)
            admin = None
            made: dict[str, object] = {}

            def subscribe(name: str, kinds: list[str], purpose: str = "statistics"):
                subscription, _secret = subscriptions.create(
                    subscriptions.Fields(name, "https://stats.example.org/hook", kinds, purpose), by=admin
                )
                db.session.commit()
                return subscription.id

            made["other"] = subscribe("other", ["hire.recorded"])
            made["subscribed"] = subscribe("subscribed", ["checkin.created"])
            made["portal"] = subscribe("portal", ["checkin.created"], "job_portal")

            def activate(setup: str) -> None:
                wanted = {"other": {"other"}, "subscribed": {"subscribed"}, "batch": {"subscribed", "portal"}}
                for key, subscription_id in made.items():
                    db.session.get(Subscription, subscription_id).active = key in wanted.get(setup, set())
                db.session.commit()
                events.forget_subscriptions()

            real_emit = checkins.webhooks.emit
            cpu: dict[str, list[float]] = {setup: [] for setup in SETUPS}
            for _round in range(ROUNDS):
                for setup in SETUPS:
                    activate(setup)
                    checkins.webhooks.emit = (lambda *a, **k: None) if setup == "before" else real_emit
                    for _ in range(PER_ROUND):
                        payload = next(tickets)

                        def one(payload=payload):
                            gate = db.session.get(User, gate_id)
                            return checkins.check_in(fair_state(fair_id), payload, by=gate)

                        started = time.process_time()
                        outcome = run_in_transaction(one)
                        cpu[setup].append(time.process_time() - started)
                        assert outcome.result == "ok", outcome.result
                        db.session.remove()
            checkins.webhooks.emit = real_emit

            activate("batch")
            batch = [next(tickets) for _ in range(BATCH)]

            def upload():
                gate = db.session.get(User, gate_id)
                state = fair_state(fair_id)
                return [
                    checkins.check_in(state, payload, by=gate, source="offline").result for payload in batch
                ]

            started = time.perf_counter()
            results = run_in_transaction(upload)
            batch_ms = (time.perf_counter() - started) * 1000
            assert set(results) == {"ok"}
            from fairapp.webhooks.models import Delivery

            written = db.session.query(Delivery).count()

            started = time.perf_counter()
            activate("none")
            events.subscribed("checkin.created")
            for _ in range(100_000):
                events.emit("checkin.created", "x", data={}, at=None)
            emit_ns = (time.perf_counter() - started) / 100_000 * 1e9
            db.engine.dispose()

    figures = {setup: round(statistics.median(values) * 1e6) for setup, values in cpu.items()}
    print(
        "CPU per check-in (median µs, SQLite, one transaction each): "
        + ", ".join(f"{setup} {figures[setup]}" for setup in SETUPS)
    )
    print(f"emit() with no subscription: {emit_ns:.0f} ns a call")
    print(
        f"offline batch of {BATCH} scans, two subscriptions: {batch_ms:.0f} ms, {written} deliveries in total"
    )
    return {"cpu_us": figures, "emit_ns": round(emit_ns), "batch_ms": round(batch_ms)}


if __name__ == "__main__":
    run()
