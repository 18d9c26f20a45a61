"""A stand-in for the SMS and Zalo ZNS gateways on 127.0.0.1, for development, tests and the bench.

    python -m fairapp.messages.fake_gateway [port]

then SMS_GATEWAY["url"] = "http://127.0.0.1:<port>/sms" or ZALO_ZNS["url"] = "http://127.0.0.1:<port>/message/template".

It answers as the real ones do (eSMS: {CodeResult: "100", SMSID}; ZNS: {error: 0, data: {msg_id}}) and,
as they do with a request id, accepts each idempotency key once: a key sent again gets the first
answer's id and is not delivered again. It can fail every n-th request with a 500 (before accepting
it), and hold the request of one key (accepted, not yet answered) until released."""

import contextlib
import itertools
import json
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    def __init__(self, *, fail_every: int = 0, hold_key: str | None = None, port: int = 0):
        self.fail_every = fail_every
        self.hold_key = hold_key
        self.accepted: dict[str, str] = {}  # idempotency key → the id answered
        self.resent: Counter[str] = Counter()  # keys sent again after they were accepted
        self.requests = 0
        self.last_headers: dict[str, str] = {}  # names in lower case
        self.failed = 0
        self.holding = threading.Event()  # set while the held key's request waits
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.sms_url = self.base_url + "/sms"
        self.zns_url = self.base_url + "/message/template"

    def start(self) -> "FakeGateway":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, body: dict) -> tuple[int, dict]:
        key = str(body.get("RequestId") or body.get("tracking_id") or "")
        with self._lock:
            self.requests += 1
            if self.fail_every and self.requests % self.fail_every == 0:
                self.failed += 1
                return 500, {"error": "try again"}
            if not key:
                return 400, {"CodeResult": "-1", "ErrorMessage": "no request id"}
            if key in self.accepted:
                self.resent[key] += 1
            else:
                self.accepted[key] = f"m{next(self._ids)}"
            provider_id = self.accepted[key]
        if key == self.hold_key:
            self.holding.set()
            self.release.wait()
        if path.endswith("/message/template"):
            return 200, {"error": 0, "message": "Success", "data": {"msg_id": provider_id}}
        return 200, {"CodeResult": "100", "SMSID": provider_id}

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                gateway.last_headers = {name.lower(): value for name, value in self.headers.items()}
                status, answer = gateway.answer(self.path, body if isinstance(body, dict) else {})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


if __name__ == "__main__":
    gateway = FakeGateway(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8025)
    print(f"fake gateway: SMS {gateway.sms_url}, ZNS {gateway.zns_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        gateway.server.serve_forever()
