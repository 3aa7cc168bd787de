"""A real SMTP server on loopback for the tests (aiosmtpd). It prints its
port, then keeps each message it accepts as a JSON file in the folder given:
the envelope, the headers, and the decoded text and HTML parts. Every
recipient it is offered is logged to attempts.log with the time. Addresses
containing "broken" are refused for good (550); those containing "down" are
refused for now (451) every time; those containing "flaky" are refused once
(451), then accepted."""

import asyncio
import email
import email.policy
import json
import os
import socket
import sys
import time

from aiosmtpd.smtp import SMTP


class Keep:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.refused_once = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with open(os.path.join(self.folder, "attempts.log"), "a") as log:
            log.write(f"{time.time()} {address}\n")
        if "broken" in address:
            return "550 5.1.1 no such mailbox here"
        if "down" in address:
            return "451 4.3.0 mailbox busy, try again later"
        if "flaky" in address and address not in self.refused_once:
            self.refused_once.add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        kept = {
            "to": envelope.rcpt_tos,
            "from": envelope.mail_from,
            "subject": str(message["subject"]),
            "headers": {k: str(v) for k, v in message.items()},
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
            "attachments": [
                {"filename": part.get_filename(), "type": part.get_content_type(), "content": part.get_content() if part.get_content_maintype() == "text" else ""}
                for part in message.iter_attachments()
            ],
        }
        self.count += 1
        path = os.path.join(self.folder, f"{self.count:06d}.json")
        with open(path + ".part", "w") as f:
            json.dump(kept, f)
        os.rename(path + ".part", path)
        return "250 Message accepted"


async def main(folder):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    handler = Keep(folder)
    server = await asyncio.get_running_loop().create_server(lambda: SMTP(handler, hostname="sink.test"), sock=sock)
    print(sock.getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main(sys.argv[1]))
