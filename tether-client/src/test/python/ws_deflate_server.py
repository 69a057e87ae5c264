"""Interop peer: python3-websockets (permessage-deflate on, its default) as an echo server for the Tether client.

Prints "port N" once listening; for the one connection it serves, the offered and answered
Sec-WebSocket-Extensions and the active extensions, then "closed CODE" when it ends. Stops after
that connection, or after 60 seconds at most.
"""
import asyncio

import websockets


async def handler(ws, path=None):
    print("offered %s" % ws.request_headers.get("Sec-WebSocket-Extensions"), flush=True)
    print("answered %s" % ws.response_headers.get("Sec-WebSocket-Extensions"), flush=True)
    print("active %s" % ",".join(e.name for e in ws.extensions), flush=True)
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    await ws.wait_closed()
    print("closed %s" % ws.close_code, flush=True)
    handler.finished.set()


async def main():
    handler.finished = asyncio.Event()
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None, ping_interval=None) as server:
        print("port %d" % server.sockets[0].getsockname()[1], flush=True)
        await asyncio.wait_for(handler.finished.wait(), 60)


asyncio.run(main())
