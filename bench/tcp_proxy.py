"""A TCP proxy that can play a server restarting: the fault benchmarks and tests put it between the
application and PostgreSQL or Redis, so that the real servers, which other work shares, never stop.

    proxy = TcpProxy(("127.0.0.1", 5432)).start()      listens on proxy.port, forwards every byte
    proxy.go_down()                                     the server goes away: see below
    proxy.come_back()                                   it accepts connections again
    proxy.restart(seconds)                              go_down(), wait, come_back()
    proxy.close()

Going down is what a fast shutdown looks like from the client: no new statement reaches the server,
the answers the server had already sent are still delivered (a COMMIT that reached the server is
answered), then every connection is closed at once, and new connections are refused (the listening
socket is closed, so a connect() fails with ECONNREFUSED) until come_back() listens on the same port
again."""

import contextlib
import selectors
import socket
import threading
import time

DRAIN_SECONDS = 0.05  # how long the server's last answers get to arrive before the connections close


class TcpProxy:
    def __init__(self, target: tuple[str, int], *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.target = target
        self.host = host
        self.port = port
        self.down_since: float | None = None
        self.connections_cut = 0
        self._listener: socket.socket | None = None
        self._pairs: dict[socket.socket, socket.socket] = {}  # each side → the other
        self._upstream: set[socket.socket] = set()  # the sides facing the server
        self._selector = selectors.DefaultSelector()
        self._lock = threading.RLock()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="tcp-proxy", daemon=True)

    @property
    def url_host_port(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> "TcpProxy":
        self._listen()
        self._thread.start()
        return self

    def go_down(self, *, drain: float = DRAIN_SECONDS) -> int:
        """Refuse new connections, stop forwarding to the server, close every connection after the
        server's last answers had `drain` seconds to arrive. Returns the number of connections cut."""
        with self._lock:
            self.down_since = time.monotonic()
            if self._listener is not None:
                self._selector.unregister(self._listener)
                self._listener.close()
                self._listener = None
            for client in [side for side in self._pairs if side not in self._upstream]:
                with contextlib.suppress(KeyError, ValueError):
                    self._selector.unregister(client)  # nothing more from the clients
        time.sleep(drain)
        with self._lock:
            cut = len(self._upstream)
            for side in list(self._pairs):
                self._drop(side)
            self.connections_cut += cut
        return cut

    def come_back(self) -> None:
        with self._lock:
            self._listen()
            self.down_since = None

    def restart(self, seconds: float) -> None:
        self.go_down()
        time.sleep(seconds)
        self.come_back()

    def close(self) -> None:
        self._stopping = True
        self._thread.join(timeout=5)
        with self._lock:
            for side in list(self._pairs):
                self._drop(side)
            if self._listener is not None:
                self._listener.close()
                self._listener = None

    # --- the loop ---------------------------------------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(128)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._selector.register(listener, selectors.EVENT_READ)

    def _loop(self) -> None:
        while not self._stopping:
            with self._lock:
                events = self._selector.select(timeout=0.05) if self._selector.get_map() else []
                for key, _mask in events:
                    if key.fileobj is self._listener:
                        self._accept()
                    elif key.fileobj in self._pairs:
                        self._forward(key.fileobj)
            if not events:
                time.sleep(0.005)

    def _accept(self) -> None:
        try:
            client, _address = self._listener.accept()
        except OSError:
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        for side in (client, upstream):
            side.setblocking(False)
            side.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._selector.register(side, selectors.EVENT_READ)
        self._pairs[client], self._pairs[upstream] = upstream, client
        self._upstream.add(upstream)

    def _forward(self, side: socket.socket) -> None:
        try:
            data = side.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        other = self._pairs.get(side)
        if not data or other is None:
            self._drop(side)
            return
        try:
            other.setblocking(True)
            other.sendall(data)
            other.setblocking(False)
        except OSError:
            self._drop(side)

    def _drop(self, side: socket.socket) -> None:
        other = self._pairs.pop(side, None)
        for each in (side, other):
            if each is None:
                continue
            self._pairs.pop(each, None)
            self._upstream.discard(each)
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(each)
            each.close()
