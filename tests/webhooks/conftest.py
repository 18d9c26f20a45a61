"""Fixtures for webhooks: a real HTTP receiver on a free local port (http.server in a thread) that
answers with the statuses it is told, one per request, and keeps what it received; subscriptions."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fairapp.webhooks import subscriptions
from tests.checkins.conftest import BACH_QUANG, make_device, make_fair, register, ticket, token_for  # noqa: F401


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """statuses: what to answer, in order (the last one repeats)."""

    url: str
    statuses: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)


@pytest.fixture()
def receiver():
    state = Receiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = state.statuses.pop(0) if len(state.statuses) > 1 else state.statuses[0]
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/fairapp"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture()
def webhook_settings(app):
    """Local receivers allowed, nothing posted by a task at once (the tests call send_due)."""
    app.config.update(WEBHOOK_ALLOW_PRIVATE_TARGETS=True, WEBHOOK_DELIVER_AT_ONCE=False)
    return app.config


@pytest.fixture()
def subscribe(db, make_user, receiver, webhook_settings):
    """subscribe(events=(...), purpose="statistics", url=receiver.url) → (Subscription, secret)."""
    admin = make_user("admin")

    def make(events=("checkin.created",), purpose="statistics", url=None, name="Cục Thống kê"):
        subscription, secret = subscriptions.create(
            subscriptions.Fields(name=name, url=url or receiver.url, events=list(events), purpose=purpose),
            by=admin,
        )
        db.session.commit()
        return subscription, secret

    return make
