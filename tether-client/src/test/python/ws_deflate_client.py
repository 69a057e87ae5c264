"""Interop peer: python3-websockets (permessage-deflate on, its default) as a client of a Tether echo server.

Usage: ws_deflate_client.py URL
Prints the offered and answered Sec-WebSocket-Extensions and the active extensions, then one line
per echo check; exits non-zero on the first mismatch.
"""
import asyncio
import os
import sys

import websockets

CHAT = '{"t":"msg","room":"lobby","from":"alice","id":"%d","text":"see you at the standup in five minutes"}'


async def main(url):
    async with websockets.connect(url, max_size=None, ping_interval=None) as ws:
        print("offered %s" % ws.request_headers.get("Sec-WebSocket-Extensions"), flush=True)
        print("answered %s" % ws.response_headers.get("Sec-WebSocket-Extensions"), flush=True)
        print("active %s" % ",".join(e.name for e in ws.extensions), flush=True)
        for message in ["hello from python " * 40, bytes(range(256)) * 8, "x" * (1 << 20), os.urandom(1 << 20), "tiny"]:
            await ws.send(message)
            assert await ws.recv() == message
        print("messages ok", flush=True)
        for i in range(500):
            await ws.send(CHAT % i)
            assert await ws.recv() == CHAT % i
        print("500 small ok", flush=True)
        await ws.close(code=1000, reason="done")
        print("closed %d" % ws.close_code, flush=True)


asyncio.run(main(sys.argv[1]))
