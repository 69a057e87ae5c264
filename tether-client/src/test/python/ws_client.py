"""Interop peer: python3-websockets as a client of a Tether server.

Usage: ws_client.py URL
Prints one line per check to stdout; exits non-zero on the first mismatch.
"""
import asyncio
import os
import sys

import websockets


async def main(url):
    # No keepalive pings of its own: they would count as life and Tether would never need to ping.
    async with websockets.connect(url, max_size=None, ping_interval=None) as ws:
        await ws.send("hello from python")
        assert await ws.recv() == "hello from python"
        print("text ok", flush=True)
        await ws.send(bytes([0, 1, 2, 255]))
        assert await ws.recv() == bytes([0, 1, 2, 255])
        print("binary ok", flush=True)
        big = os.urandom(1 << 20)
        await ws.send(big)
        assert await ws.recv() == big
        print("1MiB ok", flush=True)
        # Several of python's own pings must have been answered by now.
        await asyncio.sleep(0.5)
        pong = await ws.ping()
        await asyncio.wait_for(pong, 5)
        print("ping ok", flush=True)
        await ws.close(code=4001, reason="py bye")
        print("closed %d %s" % (ws.close_code, ws.close_reason), flush=True)

    # Second connection: the server closes with the code we ask for.
    async with websockets.connect(url, max_size=None) as ws:
        await ws.send("close-me 4002")
        try:
            await ws.recv()
        except websockets.ConnectionClosed as e:
            print("server closed %d %s" % (e.code, e.reason), flush=True)


asyncio.run(main(sys.argv[1]))
