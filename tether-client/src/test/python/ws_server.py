"""Interop peer: python3-websockets as an echo server for the Tether client.

Prints "port N" once listening, then "closed CODE REASON" for each connection that ends.
A text message "close-me CODE" makes the server close with CODE.
Stops after --connections connections have closed, or after 60 seconds at most.
"""
import asyncio
import sys

import websockets


async def handler(ws, path=None):
    try:
        async for message in ws:
            if isinstance(message, str) and message.startswith("close-me "):
                await ws.close(code=int(message[9:]), reason="python says bye")
                break
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    await ws.wait_closed()
    print("closed %s %s" % (ws.close_code, ws.close_reason), flush=True)
    handler.done += 1
    if handler.done >= handler.expected:
        handler.finished.set()


async def main(expected):
    handler.done = 0
    handler.expected = expected
    handler.finished = asyncio.Event()
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None, ping_interval=0.2) as server:
        print("port %d" % server.sockets[0].getsockname()[1], flush=True)
        await asyncio.wait_for(handler.finished.wait(), 60)


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2))
