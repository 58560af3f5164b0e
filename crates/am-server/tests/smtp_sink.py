#!/usr/bin/env python3
"""A small SMTP server for alertmesh's email tests (no upstream counterpart).

Listens on 127.0.0.1 (an ephemeral port), prints `PORT <n>` on stdout, then one JSON line per
finished session: the client's command lines, the envelope, authentication results, whether
TLS was on, the raw message and the message as Python's `email` package parses it (decoded
headers and decoded parts). Options script the server's behaviour:

  --ext LINE           an EHLO extension line to advertise (repeatable), e.g. "AUTH PLAIN LOGIN"
  --cert F --key F     certificate for STARTTLS (advertise it with --ext STARTTLS) and --implicit-tls
  --implicit-tls       TLS from the first byte (port-465 style)
  --user U --password P --secret S   credentials AUTH accepts
  --reply VERB=TEXT    answer VERB (GREETING, EHLO, MAIL, RCPT, DATA, EOM) with TEXT instead
"""

import argparse
import asyncio
import base64
import email
import email.policy
import hmac
import json
import ssl
import sys


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--ext", action="append", default=[])
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--secret", default="")
    p.add_argument("--reply", action="append", default=[])
    return p.parse_args()


ARGS = parse_args()
REPLIES = dict(r.split("=", 1) for r in ARGS.reply)


def ssl_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(ARGS.cert, ARGS.key)
    return ctx


def parse_message(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    if msg.is_multipart():
        for part in msg.iter_parts():
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                "body": part.get_content(),
            })
    return {
        "header_names": list(msg.keys()),
        "headers": {k: str(v) for k, v in msg.items()},
        "content_type": msg.get_content_type(),
        "boundary": msg.get_boundary(),
        "defects": [type(d).__name__ for d in msg.defects],
        "parts": parts,
    }


class Session:
    def __init__(self, reader, writer, tls):
        self.reader, self.writer, self.tls = reader, writer, tls
        self.log = {"commands": [], "tls": tls, "mail_from": None, "rcpt": [], "auth": [],
                    "messages": [], "raw": []}

    async def send(self, line):
        self.writer.write(line.encode() + b"\r\n")
        await self.writer.drain()

    async def readline(self):
        line = await self.reader.readline()
        if not line:
            raise EOFError
        return line.decode("utf-8", "replace").rstrip("\r\n")

    async def reply(self, verb, default):
        await self.send(REPLIES.get(verb, default))
        return REPLIES.get(verb, default).startswith(("2", "3"))

    async def auth(self, args):
        mech, _, initial = args.partition(" ")
        mech = mech.upper()
        if mech == "PLAIN":
            if not initial:
                await self.send("334 ")
                initial = await self.readline()
            _, user, password = base64.b64decode(initial).decode().split("\0")
            ok = (user, password) == (ARGS.user, ARGS.password)
        elif mech == "LOGIN":
            await self.send("334 " + base64.b64encode(b"Username:").decode())
            line = await self.readline()
            if line == "*":
                return await self.send("501 cancelled")
            user = base64.b64decode(line).decode()
            await self.send("334 " + base64.b64encode(b"Password:").decode())
            password = base64.b64decode(await self.readline()).decode()
            ok = (user, password) == (ARGS.user, ARGS.password)
        elif mech == "CRAM-MD5":
            challenge = b"<4711.1234567@sink.example>"
            await self.send("334 " + base64.b64encode(challenge).decode())
            line = await self.readline()
            if line == "*":
                return await self.send("501 cancelled")
            user, digest = base64.b64decode(line).decode().split(" ")
            want = hmac.new(ARGS.secret.encode(), challenge, "md5").hexdigest()
            ok = user == ARGS.user and hmac.compare_digest(digest, want)
        else:
            return await self.send("504 unrecognized mechanism")
        self.log["auth"].append({"mechanism": mech, "user": user, "ok": ok})
        await self.send("235 2.7.0 authenticated" if ok else "535 5.7.8 bad credentials")

    async def data(self):
        lines = []
        while True:
            line = await self.reader.readline()
            if not line:
                raise EOFError
            if line == b".\r\n":
                break
            if line.startswith(b"."):
                line = line[1:]
            lines.append(line)
        raw = b"".join(lines)
        self.log["raw"].append(raw.decode("utf-8", "replace"))
        self.log["messages"].append(parse_message(raw))
        await self.reply("EOM", "250 2.0.0 queued")

    async def run(self):
        await self.reply("GREETING", "220 sink.example ESMTP test sink")
        while True:
            line = await self.readline()
            self.log["commands"].append(line)
            verb, _, args = line.partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                if "EHLO" in REPLIES:
                    await self.send(REPLIES["EHLO"])
                    continue
                exts = [] if verb == "HELO" else [e for e in ARGS.ext
                                                  if not (self.tls and e == "STARTTLS")]
                lines = ["sink.example greets " + args] + exts
                for i, text in enumerate(lines):
                    sep = "-" if i < len(lines) - 1 else " "
                    await self.send("250" + sep + text)
            elif verb == "STARTTLS":
                await self.send("220 2.0.0 ready to start TLS")
                await self.writer.start_tls(ssl_context())
                self.tls = True
                self.log["tls"] = True
            elif verb == "AUTH":
                await self.auth(args)
            elif verb == "MAIL":
                self.log["mail_from"] = args
                await self.reply("MAIL", "250 2.1.0 ok")
            elif verb == "RCPT":
                self.log["rcpt"].append(args)
                await self.reply("RCPT", "250 2.1.5 ok")
            elif verb == "DATA":
                if await self.reply("DATA", "354 end data with <CR><LF>.<CR><LF>"):
                    await self.data()
            elif verb == "RSET":
                await self.send("250 2.0.0 reset")
            elif verb == "QUIT":
                await self.send("221 2.0.0 bye")
                return
            else:
                await self.send("502 5.5.2 unknown command")


async def handle(reader, writer):
    s = Session(reader, writer, ARGS.implicit_tls)
    try:
        await s.run()
    except (EOFError, ConnectionError, ssl.SSLError) as e:
        s.log["error"] = repr(e)
    finally:
        print(json.dumps(s.log), flush=True)
        writer.close()


async def main():
    ctx = ssl_context() if ARGS.implicit_tls else None
    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx)
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
