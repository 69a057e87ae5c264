// Tests of tether.js with Node's test runner: the codec, and the client against a live Tether
// server (the jar built by `mvn package`) and against a scripted fake server for dedup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { startServe } from './serve.mjs';
import { encode, decode, T, TetherSocket, decorrelatedJitter, retryHint, ProtocolError } from '../../../../tether-js/tether.js';

const WAIT = 20000;

function waitFor(predicate, what, timeout = WAIT) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - start > timeout) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

function once(target, type) {
  return new Promise((resolve) => target.addEventListener(type, (e) => resolve(e.detail), { once: true }));
}

test('codec round trips and rejects malformed frames', () => {
  const data = decode(encode({ type: T.DATA, seq: 7, ack: 3, text: 'héllo' }));
  assert.deepEqual(data, { type: T.DATA, seq: 7, ack: 3, binary: false, possibleDuplicate: false, text: 'héllo' });
  // Bit 1 of the DATA flags: a possible duplicate (resent after a session reset).
  const flagged = new Uint8Array(encode({ type: T.DATA, seq: 2, ack: 0, text: 'x' }));
  flagged[1] = 0x02;
  assert.equal(decode(flagged.buffer).possibleDuplicate, true);
  flagged[1] = 0x04;
  assert.throws(() => decode(flagged.buffer), /unknown DATA flags/);
  const bin = decode(encode({ type: T.DATA, seq: 1, ack: 0, binary: true, payload: new Uint8Array([1, 2, 255]) }));
  assert.deepEqual([...bin.payload], [1, 2, 255]);
  assert.deepEqual(decode(encode({ type: T.ACK, ack: 42 })), { type: T.ACK, ack: 42 });
  assert.deepEqual(decode(encode({ type: T.PING, stamp: 1700000000000 })), { type: T.PING, stamp: 1700000000000 });
  assert.deepEqual(decode(encode({ type: T.HELLO, lastReceived: 5, sessionId: 'abc', token: 'tok' })),
    { type: T.HELLO, version: 1, lastReceived: 5, sessionId: 'abc', token: 'tok' });
  assert.deepEqual(decode(encode({ type: T.BACKGROUND, hidden: true })), { type: T.BACKGROUND, hidden: true });
  assert.throws(() => decode(new Uint8Array([0x7f]).buffer), ProtocolError);
  assert.throws(() => decode(new Uint8Array([T.ACK, 0, 0]).buffer), /truncated/);
  assert.throws(() => decode(new Uint8Array([T.ACK, 0, 0, 0, 0, 0, 0, 0, 1, 9]).buffer), /bytes after/);
});

test('decorrelated jitter stays within [base, min(cap, 3 × previous)] and hints are read', () => {
  let previous = 0;
  for (let i = 0; i < 1000; i++) {
    const d = decorrelatedJitter(previous, 500, 30000, Math.random);
    assert.ok(d >= 500 && d <= Math.min(30000, Math.max(500, previous) * 3), `delay ${d} after ${previous}`);
    previous = d;
  }
  assert.equal(retryHint('server restarting; retry-after=1500ms'), 1500);
  assert.equal(retryHint('busy retry-after=2s'), 2000);
  assert.equal(retryHint('nothing'), 0);
});

// ---- against the real server ----------------------------------------------------------------

let server;
let port;

before(async () => {
  ({ server, port } = await startServe(['--ping-interval', '500ms', '--ping-timeout', '1s'], WAIT));
});

after(() => server?.kill());

/** A TCP proxy that can drop every connection (as a network failure would). */
function proxy(targetPort) {
  const sockets = new Set();
  const srv = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) { sockets.add(s); s.on('error', () => {}); s.on('close', () => sockets.delete(s)); }
    client.pipe(upstream); upstream.pipe(client);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    port: srv.address().port,
    killAll: () => { for (const s of sockets) s.resetAndDestroy ? s.resetAndDestroy() : s.destroy(); },
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); srv.close(r); }),
  })));
}

test('echo over tether.v1: send resolves on ack, the echo arrives once', async () => {
  const socket = new TetherSocket(`ws://127.0.0.1:${port}/echo`, { WebSocket, baseDelay: 50, capDelay: 200 });
  const received = [];
  socket.addEventListener('message', (e) => received.push(e.detail.text));
  await once(socket, 'open');
  assert.ok(socket.sessionId.length > 10);
  await socket.send('hello');
  await waitFor(() => received.length === 1, 'the echo');
  assert.deepEqual(received, ['hello']);
  socket.close();
});

test('resume after the connection dies: messages sent while away arrive once, in order', async () => {
  const p = await proxy(port);
  const socket = new TetherSocket(`ws://127.0.0.1:${p.port}/echo`, { WebSocket, baseDelay: 50, capDelay: 200 });
  const received = [];
  socket.addEventListener('message', (e) => received.push(e.detail.text));
  await once(socket, 'open');
  await socket.send('before');
  await waitFor(() => received.length === 1, 'first echo');
  const resumed = once(socket, 'resumed');
  p.killAll();
  await waitFor(() => socket.state === 'reconnecting', 'reconnecting');
  const sends = [];
  for (let i = 0; i < 20; i++) sends.push(socket.send(`away-${i}`));
  await resumed;
  await Promise.all(sends);
  await waitFor(() => received.length === 21, 'all echoes');
  assert.deepEqual(received, ['before', ...Array.from({ length: 20 }, (_, i) => `away-${i}`)]);
  assert.equal(socket.stats.resumes, 1);
  socket.close();
  await p.close();
});

test('credentials: a token is fetched before every attempt and travels as a subprotocol entry', { timeout: 60000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tether-js-'));
  const secret = path.join(dir, 'secret');
  fs.writeFileSync(secret, 'a demo secret of at least 32 bytes!');
  const secured = await startServe(['--auth-required', '--auth-jwt-secret-file', secret, '--demo-login'], WAIT);
  const p = await proxy(secured.port);
  try {
    const fetched = [];
    const credentials = async () => {
      const r = await fetch(`http://127.0.0.1:${secured.port}/demo/token?nick=node`);
      const { token } = await r.json();
      fetched.push(token);
      return token;
    };
    const socket = new TetherSocket(`ws://127.0.0.1:${p.port}/echo`, { WebSocket, baseDelay: 50, capDelay: 200, credentials });
    const received = [];
    socket.addEventListener('message', (e) => received.push(e.detail.text));
    await once(socket, 'open');
    assert.equal(fetched.length, 1);
    await socket.send('with a token');
    const resumed = once(socket, 'resumed');
    p.killAll();
    await resumed;
    assert.equal(fetched.length, 2, 'asked again for the reconnect');
    await socket.send('after');
    await waitFor(() => received.length === 2, 'echoes');
    assert.deepEqual(received, ['with a token', 'after']);
    socket.close();

    // Without credentials the server refuses (401): the socket never opens.
    const anonymous = new TetherSocket(`ws://127.0.0.1:${secured.port}/echo`, { WebSocket, baseDelay: 50, capDelay: 200 });
    await waitFor(() => anonymous.attempt >= 2, 'refused attempts');
    assert.equal(anonymous.state, 'reconnecting');
    anonymous.close();
  } finally {
    await p.close();
    secured.server.kill();
  }
});

test('outbox: messages sent before the first connection are delivered once it opens', async () => {
  const socket = new TetherSocket(`ws://127.0.0.1:${port}/echo`, { WebSocket });
  const received = [];
  socket.addEventListener('message', (e) => received.push(e.detail.text));
  const sent = [socket.send('early-1'), socket.send('early-2')];
  await Promise.all(sent);
  await waitFor(() => received.length === 2, 'echoes');
  assert.deepEqual(received, ['early-1', 'early-2']);
  socket.close();
});

// ---- against a scripted server: duplicates and resets ------------------------------------------

function welcome(resumed, lastReceived, sessionId) {
  const id = new TextEncoder().encode(sessionId); const tok = new TextEncoder().encode('t');
  const b = new Uint8Array(1 + 1 + 8 + 1 + id.length + 1 + tok.length + 8);
  const v = new DataView(b.buffer);
  v.setUint8(0, T.WELCOME); v.setUint8(1, resumed ? 1 : 0); v.setBigUint64(2, BigInt(lastReceived));
  v.setUint8(10, id.length); b.set(id, 11); v.setUint8(11 + id.length, tok.length); b.set(tok, 12 + id.length);
  v.setBigUint64(12 + id.length + tok.length, 120000n);
  return b;
}

test('dedup: a replay from a stale position delivers nothing twice; a refused resume is a reset', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'tether.v1' });
  await new Promise((r) => wss.on('listening', r));
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    const n = connections;
    ws.on('message', (data) => {
      const f = decode(new Uint8Array(data).buffer);
      if (f.type !== T.HELLO) return;
      if (n === 1) {
        ws.send(welcome(false, 0, 'S1'));
        ws.send(encode({ type: T.DATA, seq: 1, ack: 0, text: 'one' }));
        ws.send(encode({ type: T.DATA, seq: 2, ack: 0, text: 'two' }));
        setTimeout(() => ws.terminate(), 100);
      } else if (n === 2) {
        assert.equal(f.sessionId, 'S1');
        assert.equal(f.lastReceived, 2);
        ws.send(welcome(true, 0, 'S1'));
        for (const [seq, text] of [[1, 'one'], [2, 'two'], [3, 'three']]) ws.send(encode({ type: T.DATA, seq, ack: 0, text }));
        setTimeout(() => ws.terminate(), 100);
      } else {
        ws.send(welcome(false, 0, 'S2'));
      }
    });
  });
  const socket = new TetherSocket(`ws://127.0.0.1:${wss.address().port}/`, { WebSocket, baseDelay: 20, capDelay: 50 });
  const received = [];
  socket.addEventListener('message', (e) => received.push(e.detail.text));
  const reset = once(socket, 'reset');
  await waitFor(() => received.length >= 3, 'three messages');
  const detail = await reset;
  assert.deepEqual(received, ['one', 'two', 'three']);
  assert.equal(socket.stats.duplicates, 2);
  assert.deepEqual(detail, { inDoubt: [], carried: [], resent: false });
  assert.equal(socket.stats.resets, 1);
  assert.equal(socket.sessionId, 'S2');
  socket.close();
  for (const client of wss.clients) client.terminate();
  await new Promise((r) => wss.close(r));
});
