"""A TCP proxy on 127.0.0.1 that a test can take away and bring back: what a client sees when
its endpoint is briefly unreachable (a network blip, a restarting load balancer).

`pause()` closes the listening socket and every open connection, so new connections are
refused and pooled ones are dropped; `resume()` listens on the same port again. Threads only;
every loop wakes at least every POLL_SECONDS to see whether it should stop.
"""

from __future__ import annotations

import select
import socket
import threading
from typing import Optional

POLL_SECONDS = 0.2
BUFFER_SIZE = 65536


class PausableProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = 0
        self.accepted = 0  # connections accepted so far, to tell whether a client came back
        self._lock = threading.Lock()
        self._listener: Optional[socket.socket] = None
        self._accept_thread: Optional[threading.Thread] = None
        self._listening = threading.Event()
        self._stopped = threading.Event()
        self._connections: set[socket.socket] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "PausableProxy":
        self._listen()
        return self

    def pause(self) -> None:
        """Refuse new connections and drop the open ones."""
        self._stop_listening()
        with self._lock:
            connections, self._connections = self._connections, set()
        for conn in connections:
            _close(conn)

    def resume(self) -> None:
        self._listen()

    def stop(self) -> None:
        self._stopped.set()
        self.pause()

    def refuses_connections(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return False
        except OSError:
            return True

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(POLL_SECONDS)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._listening.set()
        self._accept_thread = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._accept_thread.start()

    def _stop_listening(self) -> None:
        self._listening.clear()
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=5)
            self._accept_thread = None
        if self._listener is not None:
            _close(self._listener)
            self._listener = None

    def _accept_loop(self, listener: socket.socket) -> None:
        while self._listening.is_set() and not self._stopped.is_set():
            try:
                client, _address = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self.accepted += 1
                self._connections.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        peers = {client: upstream, upstream: client}
        try:
            while not self._stopped.is_set():
                with self._lock:
                    if client not in self._connections:
                        return  # dropped by pause()
                readable = select.select(list(peers), [], [], POLL_SECONDS)[0]
                for sock in readable:
                    data = sock.recv(BUFFER_SIZE)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            with self._lock:
                self._connections.discard(client)
                self._connections.discard(upstream)
            _close(client)
            _close(upstream)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
