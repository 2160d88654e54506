"""A real HTTP receiver for the webhook tests: http.server on 127.0.0.1, in a thread.

It answers from a script (status, delay, headers) in order, then with `default`; it records
every request and checks each signature the way docs/webhooks.md tells receivers to (the
stdlib only, nothing from clientela), answering 400 to a bad one.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    delay: float = 0.0
    body: bytes = b"ok"
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict
    body: bytes
    signature_ok: bool
    at: float


def signature_ok(secrets: list[str], header: str, body: bytes) -> bool:
    """Any of `secrets` produced one of the header's v1 signatures over f"{t}.{body}"."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    timestamps = [v for k, v in parts if k == "t"]
    if len(timestamps) != 1:
        return False
    signed = timestamps[0].encode() + b"." + body
    given = [v for k, v in parts if k == "v1"]
    for secret in secrets:
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, v) for v in given):
            return True
    return False


class Receiver:
    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.default = Reply()
        self.secrets: list[str] = []
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._lock:
                    ok = signature_ok(
                        receiver.secrets, self.headers.get("Clientela-Signature", ""), body
                    )
                    receiver.requests.append(
                        Received(self.path, dict(self.headers), body, ok, time.time())
                    )
                    reply = receiver.script.popleft() if receiver.script else receiver.default
                if reply.delay:
                    time.sleep(reply.delay)
                status = reply.status if ok or not receiver.secrets else 400
                try:
                    self.send_response(status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (timeout tests)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/clientela"

    def reply(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
