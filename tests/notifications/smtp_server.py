"""A small SMTP server for the tests with a real worker: it accepts, refuses or hangs, as told.

Enough of RFC 5321 for Django's SMTP backend (smtplib): EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. Each
connection takes the next behaviour from `plan` (then `ACCEPT`):

- ACCEPT: take the message and answer 250 — only then is it in `messages`, as a real server has it only
  once it said so;
- REFUSE: answer the greeting with 421 (service not available) and hang up, as a server that is down for
  maintenance does; smtplib raises SMTPConnectError;
- HANG: take the message's text and never answer it, until the test ends: the sender waits, as on a server
  that stopped half-way. `hung` is set when it does.
"""

import email
import socketserver
import threading
import time
from dataclasses import dataclass
from email import policy

ACCEPT, REFUSE, HANG = "accept", "refuse", "hang"


@dataclass(frozen=True)
class Received:
    to: tuple[str, ...]
    subject: str
    body: str


class _Handler(socketserver.StreamRequestHandler):
    timeout = 60

    def handle(self):
        server: SmtpServer = self.server.owner
        behaviour = server.next_behaviour()
        if behaviour == REFUSE:
            self._reply("421 4.3.2 Service not available, closing transmission channel")
            return
        self._reply("220 localhost ESMTP test server")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self._reply("250-localhost", "250 8BITMIME")
            elif verb in ("HELO", "NOOP"):
                self._reply("250 OK")
            elif verb == "MAIL":
                recipients = []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.partition(":")[2].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "RSET":
                recipients = []
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if behaviour == HANG:
                    server.hung.set()
                    server.released.wait()
                    return
                message = email.message_from_bytes(data, policy=policy.default)
                body = message.get_content().replace("\r\n", "\n")
                server.received(Received(tuple(recipients), str(message["Subject"]).strip(), body))
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)  # the sender's dot-stuffing undone
        return b"".join(lines)

    def _reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpServer:
    """`with SmtpServer() as smtp:` listens on 127.0.0.1:`smtp.port` in a thread until the block ends."""

    def __init__(self, plan=()):
        self.plan = list(plan)
        self.messages: list[Received] = []
        self.connections: list[tuple[float, str]] = []  # (monotonic time, behaviour) of each connection
        self.hung = threading.Event()
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]

    def next_behaviour(self) -> str:
        with self._lock:
            behaviour = self.plan.pop(0) if self.plan else ACCEPT
            self.connections.append((time.monotonic(), behaviour))
            return behaviour

    def received(self, message: Received) -> None:
        with self._lock:
            self.messages.append(message)

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.released.set()  # a hanging conversation ends with the test
        self._server.shutdown()
        self._server.server_close()
