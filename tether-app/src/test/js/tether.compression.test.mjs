// permessage-deflate interop: Node's ws (perMessageDeflate on) against `tether serve --compression`,
// the jar built by `mvn package`. Its own server process, so the other files' servers keep their
// defaults (compression off).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startServe } from './serve.mjs';

let server;
let port;

before(async () => {
  ({ server, port } = await startServe(['--compression', '--max-message-size', '2MiB', '--max-frame-size', '2MiB']));
});

after(() => {
  server.kill('SIGKILL');
});

function open(options) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`, options);
  const replies = [];
  const waiting = [];
  ws.on('message', (data, isBinary) => {
    const reply = { data, isBinary };
    const w = waiting.shift();
    if (w) w(reply); else replies.push(reply);
  });
  const next = () => new Promise((resolve) => { const r = replies.shift(); if (r) resolve(r); else waiting.push(resolve); });
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, next }));
    ws.on('error', reject);
  });
}

test('ws with perMessageDeflate negotiates it and round-trips text, binary, 1 MiB and small messages', async () => {
  const { ws, next } = await open({ perMessageDeflate: { threshold: 0 } });
  try {
    assert.ok(ws.extensions.includes('permessage-deflate'), `negotiated: '${ws.extensions}'`);
    const text = 'hello from node '.repeat(64);
    ws.send(text);
    let r = await next();
    assert.equal(r.isBinary, false);
    assert.equal(r.data.toString(), text);
    const random = randomBytes(1 << 20);
    ws.send(random);
    r = await next();
    assert.equal(r.isBinary, true);
    assert.ok(Buffer.compare(r.data, random) === 0, '1 MiB of random bytes back');
    const compressible = 'abc'.repeat(349525);
    ws.send(compressible);
    assert.equal((await next()).data.toString(), compressible);
    for (let i = 0; i < 300; i++) {
      const chat = JSON.stringify({ t: 'msg', room: 'lobby', from: 'carol', id: String(i), text: 'on my way' });
      ws.send(chat);
      assert.equal((await next()).data.toString(), chat);
    }
    ws.send('tiny');
    assert.equal((await next()).data.toString(), 'tiny');
  } finally {
    ws.close(1000);
  }
});

test('ws without perMessageDeflate gets no extension and still works', async () => {
  const { ws, next } = await open({ perMessageDeflate: false });
  try {
    assert.equal(ws.extensions, '');
    ws.send('plain');
    assert.equal((await next()).data.toString(), 'plain');
  } finally {
    ws.close(1000);
  }
});
