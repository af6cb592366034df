"""The simulated Web Connector's HTTP client: one persistent connection per session, as QBWC
keeps, replaced (without sending anything twice) when the server closed it while idle."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from qbwc_server.simulate.soapclient import SoapClient

_ANSWER = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<serverVersionResponse xmlns="http://developer.intuit.com/">'
    b"<serverVersionResult>1.0</serverVersionResult></serverVersionResponse>"
    b"</soap:Body></soap:Envelope>"
)


class _Server:
    """A loopback HTTP/1.1 server that answers every POST with ``_ANSWER`` and records, per
    accepted connection, the requests' header blocks; after ``close_after`` answers on a
    connection it closes that connection (as an idle timeout would)."""

    def __init__(self, close_after: int | None) -> None:
        self.close_after = close_after
        self.connections: list[list[bytes]] = []
        self.closed = threading.Semaphore(0)  # released each time the server closes a connection
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            requests: list[bytes] = []
            self.connections.append(requests)
            threading.Thread(target=self._serve, args=(conn, requests), daemon=True).start()

    def _serve(self, conn: socket.socket, requests: list[bytes]) -> None:
        with conn:
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                buffer = buffer[length:]
                requests.append(head)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(_ANSWER), _ANSWER)
                )
                if self.close_after is not None and len(requests) >= self.close_after:
                    conn.close()
                    self.closed.release()
                    return

    def stop(self) -> None:
        self._listener.close()


@pytest.fixture
def server(request) -> Iterator[_Server]:
    started = _Server(getattr(request, "param", None))
    yield started
    started.stop()


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}


def test_one_connection_for_all_calls(server) -> None:
    """Every call of a session goes over the first connection; only its first request says
    ``Connection: Keep-Alive`` (as in the recorded QBWC session)."""
    with SoapClient(f"http://127.0.0.1:{server.port}/qbwc") as client:
        for _ in range(5):
            assert client.call("serverVersion", []) == "1.0"
    assert [len(c) for c in server.connections] == [5]
    first, *rest = server.connections[0]
    assert _headers(first)["connection"] == "Keep-Alive"
    assert all("connection" not in _headers(head) for head in rest)


@pytest.mark.parametrize("server", [2], indirect=True)
def test_a_connection_closed_while_idle_is_replaced(server) -> None:
    """The server closes the connection after two answers; the third call opens a new one and
    succeeds, and no request reaches the server twice."""
    with SoapClient(f"http://127.0.0.1:{server.port}/qbwc") as client:
        assert client.call("serverVersion", []) == "1.0"
        assert client.call("serverVersion", []) == "1.0"
        assert server.closed.acquire(timeout=10)  # closed while idle (not during a request)
        assert client.call("serverVersion", []) == "1.0"
    assert [len(c) for c in server.connections] == [2, 1]


def test_keep_alive_off_opens_a_connection_per_call(server) -> None:
    """``keep_alive=False`` asks for ``Connection: close`` and uses a new connection each time."""
    client = SoapClient(f"http://127.0.0.1:{server.port}/qbwc", keep_alive=False)
    for _ in range(3):
        assert client.call("serverVersion", []) == "1.0"
    assert [len(c) for c in server.connections] == [1, 1, 1]
    assert all(_headers(c[0])["connection"] == "close" for c in server.connections)
