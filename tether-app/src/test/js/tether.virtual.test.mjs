// tether.js in virtual time: a fake clock and a scripted WebSocket, no network, exact assertions.
// Heartbeat detection at the bound, connect and WELCOME timeouts, the outage rule, the reset
// semantics (carried / in doubt), and one test per counter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, decode, T, TetherSocket, SUBPROTOCOL, DEFAULTS } from '../../../../tether-js/tether.js';

/** Timers that run only when the test advances time. */
class FakeClock {
  constructor() { this.t = 1_000_000; this.tasks = []; this.seq = 0; }
  now() { return this.t; }
  setTimeout(fn, ms) { const task = { at: this.t + Math.max(0, ms), fn, id: ++this.seq }; this.tasks.push(task); return task; }
  clearTimeout(task) { if (task) task.cancelled = true; }
  advance(ms) {
    const until = this.t + ms;
    for (;;) {
      const live = this.tasks.filter((k) => !k.cancelled && k.at <= until).sort((a, b) => a.at - b.at || a.id - b.id);
      if (!live.length) break;
      const next = live[0];
      next.cancelled = true;
      this.t = next.at;
      next.fn();
    }
    this.t = until;
    this.tasks = this.tasks.filter((k) => !k.cancelled);
  }
  /** The page is frozen for `ms`: time passes, no timer runs; then the overdue ones run, late. */
  suspend(ms) {
    this.t += ms;
    for (;;) {
      const due = this.tasks.filter((k) => !k.cancelled && k.at <= this.t).sort((a, b) => a.at - b.at || a.id - b.id);
      if (!due.length) break;
      due[0].cancelled = true;
      due[0].fn();
    }
    this.tasks = this.tasks.filter((k) => !k.cancelled);
  }
}

/** Every WebSocket the socket creates; the test plays the server. */
function fakeWebSockets() {
  const created = [];
  class FakeWebSocket {
    constructor(url, protocols) {
      this.url = url; this.protocols = protocols; this.sent = []; this.readyState = 0; this.protocol = '';
      this.closedWith = null;
      created.push(this);
    }
    send(data) { this.sent.push(decode(data)); }
    close(code, reason) {
      if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
        throw new Error(`InvalidAccessError: a page may not close with ${code}`); // as browsers do
      }
      this.closedWith = code ?? 1005; this.readyState = 3;
    }
    // ---- the server's side ----
    accept(protocol = SUBPROTOCOL) { this.protocol = protocol; this.readyState = 1; this.onopen?.(); }
    welcome(resumed, sessionId, lastReceived = 0) {
      const id = new TextEncoder().encode(sessionId); const tok = new TextEncoder().encode('t');
      const b = new Uint8Array(1 + 1 + 8 + 1 + id.length + 1 + tok.length + 8);
      const v = new DataView(b.buffer);
      v.setUint8(0, T.WELCOME); v.setUint8(1, resumed ? 1 : 0); v.setBigUint64(2, BigInt(lastReceived));
      v.setUint8(10, id.length); b.set(id, 11); v.setUint8(11 + id.length, tok.length); b.set(tok, 12 + id.length);
      v.setBigUint64(12 + id.length + tok.length, 120000n);
      this.onmessage?.({ data: b.buffer });
    }
    frame(f) { this.onmessage?.({ data: encode(f) }); }
    drop(code = 1006, reason = '') { this.readyState = 3; this.onclose?.({ code, reason }); }
    data() { return this.sent.filter((f) => f.type === T.DATA); }
  }
  return { FakeWebSocket, created, last: () => created[created.length - 1] };
}

function harness(options = {}) {
  const clock = new FakeClock();
  const ws = fakeWebSockets();
  const socket = new TetherSocket('ws://test/', { WebSocket: ws.FakeWebSocket, clock, random: () => 0, ...options });
  const events = [];
  for (const type of ['open', 'disconnected', 'reconnecting', 'reconnected', 'resumed', 'reset', 'closed']) {
    socket.addEventListener(type, (e) => events.push({ type, ...e.detail }));
  }
  /** Accepts the newest attempt as tether.v1 and welcomes it. */
  const session = (resumed, id, lastReceived = 0) => {
    const w = ws.last(); w.accept(); w.welcome(resumed, id, lastReceived); return w;
  };
  return { clock, ws, socket, events, session, of: (type) => events.filter((e) => e.type === type) };
}

test('the defaults match the Java client', () => {
  assert.equal(DEFAULTS.baseDelay, 250);
  assert.equal(DEFAULTS.capDelay, 30000);
  assert.equal(DEFAULTS.resetAfter, 2000);
  assert.equal(DEFAULTS.connectTimeout, 10000);
  assert.equal(DEFAULTS.welcomeTimeout, 10000);
});

test('a silent server is declared dead exactly at pingInterval + pingTimeout after the last frame', () => {
  const h = harness({ pingInterval: 1000, pingTimeout: 1000 });
  const w = h.session(false, 'S');
  h.clock.advance(700);
  w.frame({ type: T.ACK, ack: 0 }); // last frame heard at +700
  h.clock.advance(999);
  assert.equal(w.sent.filter((f) => f.type === T.PING).length, 0, 'no ping before pingInterval of silence');
  h.clock.advance(1);
  assert.equal(w.sent.filter((f) => f.type === T.PING).length, 1, 'a ping at exactly pingInterval of silence');
  h.clock.advance(999);
  assert.equal(h.socket.state, 'open', 'still alive 1 ms before the bound');
  h.clock.advance(1);
  assert.equal(h.socket.state, 'reconnecting', 'dead at the bound');
  const d = h.of('disconnected')[0];
  assert.match(d.reason, /nothing heard for 2000 ms/);
  assert.equal(d.local, true);
  assert.equal(w.closedWith, 4000);
  h.socket.close();
});

test('after the page itself was frozen, the server gets one more ping and pingTimeout, not a death sentence', () => {
  const h = harness({ pingInterval: 1000, pingTimeout: 1000 });
  const w = h.session(false, 'S');
  h.clock.suspend(30000); // a frozen tab: no timer ran for 30 s
  assert.equal(h.socket.state, 'open', 'our own sleep is not the server dying');
  const ping = w.sent.filter((f) => f.type === T.PING).at(-1);
  assert.ok(ping, 'a ping went out on waking');
  h.clock.advance(999);
  assert.equal(h.socket.state, 'open');
  h.clock.advance(1); // no answer within pingTimeout of waking: dead now
  assert.equal(h.socket.state, 'reconnecting');
  h.socket.close();
});

test('a pong in time keeps the connection; the bound moves with every frame', () => {
  const h = harness({ pingInterval: 1000, pingTimeout: 1000 });
  const w = h.session(false, 'S');
  for (let i = 0; i < 5; i++) {
    h.clock.advance(1000);
    const ping = w.sent.filter((f) => f.type === T.PING).at(-1);
    h.clock.advance(300);
    w.frame({ type: T.PONG, stamp: ping.stamp });
  }
  assert.equal(h.socket.state, 'open');
  assert.equal(h.socket.rtt.last, 300);
  h.socket.close();
});

test('an attempt that never opens times out after connectTimeout and is a failed attempt', () => {
  const h = harness({ connectTimeout: 3000 });
  h.clock.advance(2999);
  assert.equal(h.of('disconnected').length, 0);
  h.clock.advance(1);
  const d = h.of('disconnected')[0];
  assert.equal(d.attempt, 1);
  assert.equal(d.willRetry, true);
  assert.match(d.reason, /no connection within 3000 ms/);
  h.clock.advance(d.delay);
  assert.equal(h.ws.created.length, 2, 'retried');
  h.socket.close();
});

test('an open connection without a WELCOME times out after welcomeTimeout and is retried', () => {
  const h = harness({ welcomeTimeout: 2000 });
  h.ws.last().accept();
  h.clock.advance(1999);
  assert.equal(h.of('disconnected').length, 0);
  h.clock.advance(1);
  assert.match(h.of('disconnected')[0].reason, /no WELCOME within 2000 ms/);
  assert.equal(h.ws.created[0].closedWith, 4000);
  h.clock.advance(h.of('disconnected')[0].delay);
  h.session(false, 'S');
  assert.equal(h.socket.state, 'open');
  h.socket.close();
});

test('outages: a connection that worked ends the outage; one dropped before it worked continues it', () => {
  const h = harness({ random: () => 1 }); // decorrelated jitter's top: base × 3 (attempts 1 and 2), then previous × 3
  h.session(false, 'S').drop(); // welcomed, nothing after: did not work
  h.clock.advance(h.of('disconnected').at(-1).delay);
  h.session(true, 'S').drop();
  h.clock.advance(h.of('disconnected').at(-1).delay);
  h.session(true, 'S').drop();
  assert.deepEqual(h.of('disconnected').map((d) => [d.attempt, d.delay]), [[1, 750], [2, 750], [3, 2250]]);
  h.clock.advance(2250);
  const w = h.session(true, 'S');
  w.frame({ type: T.ACK, ack: 0 }); // it worked
  w.drop();
  assert.deepEqual(h.of('disconnected').at(-1).attempt, 1, 'a fresh outage');
  assert.deepEqual(h.of('disconnected').at(-1).delay, 750);
  h.clock.advance(750);
  const quiet = h.session(true, 'S');
  h.clock.advance(2000); // resetAfter of uptime also counts as working
  quiet.drop();
  assert.equal(h.of('disconnected').at(-1).attempt, 1);
  h.socket.close();
});

test('the delay runs from the start of a failed attempt: time it hung is not waited again', () => {
  const h = harness({ random: () => 1 }); // the top of each range: 750, 750 (attempt 2 draws like 1), 2250 ms
  h.session(false, 'S').drop(); // never worked: 750 ms, waited in full
  assert.equal(h.of('disconnected').at(-1).delay, 750);
  h.clock.advance(750);
  h.clock.advance(400); // the attempt hangs in a blackhole ...
  h.ws.last().drop(1006); // ... and is reset when it ends
  assert.deepEqual(h.of('disconnected').map((d) => [d.attempt, d.delay, d.backoff]), [[1, 750, 750], [2, 750 - 400, 750]]);
  h.clock.advance(349);
  assert.equal(h.ws.created.length, 2, 'not before start + drawn delay');
  h.clock.advance(1);
  assert.equal(h.ws.created.length, 3);
  const brief = h.session(true, 'S');
  h.clock.advance(1000); // welcomed, quiet, shorter than resetAfter: did not work, but its time up is not credited
  brief.drop();
  assert.deepEqual(h.of('disconnected').at(-1), { ...h.of('disconnected').at(-1), attempt: 3, delay: 2250, backoff: 2250 });
  h.socket.close();
});

test("a server's retry hint is waited in full from when it came", () => {
  const h = harness();
  const w = h.session(false, 'S');
  h.clock.advance(1500);
  w.drop(1013, 'busy; retry-after=2000ms');
  assert.ok(h.of('disconnected').at(-1).delay >= 2000, `waited ${h.of('disconnected').at(-1).delay}`);
  h.socket.close();
});

test("our own protocol close is a failed attempt, the server's 1002 is terminal", () => {
  const h = harness();
  const w = h.session(false, 'S');
  w.frame({ type: T.HELLO, lastReceived: 0, sessionId: '', token: '' }); // nonsense after WELCOME
  assert.equal(w.closedWith, 4002, 'a page may not send 1002; 4002 carries it');
  assert.equal(h.socket.state, 'reconnecting');
  assert.equal(h.of('disconnected')[0].code, 1002);
  h.clock.advance(h.of('disconnected')[0].delay);
  h.session(true, 'S').drop(1002, 'you broke it');
  assert.equal(h.socket.state, 'closed');
  assert.equal(h.of('closed')[0].code, 1002);
});

test('a node that does not speak tether.v1 is retried once the socket has a session', () => {
  const h = harness();
  h.session(false, 'S').drop();
  h.clock.advance(h.of('disconnected')[0].delay);
  h.ws.last().accept('');
  assert.equal(h.socket.state, 'reconnecting');
  h.clock.advance(h.of('disconnected').at(-1).delay);
  h.session(true, 'S');
  assert.equal(h.socket.state, 'open');
  h.socket.close();
});

test('a reset carries never-written messages into the new session and rejects in-doubt ones', async () => {
  const h = harness();
  const first = h.session(false, 'OLD');
  const written = h.socket.send('written');
  written.catch(() => {});
  first.drop();
  const queued = h.socket.send('queued');
  h.clock.advance(h.of('disconnected')[0].delay);
  const second = h.session(false, 'NEW');
  assert.deepEqual(h.of('reset')[0], { type: 'reset', inDoubt: ['written'], carried: ['queued'], resent: false });
  await assert.rejects(written, (e) => e.inDoubt === true && /in doubt/.test(e.message));
  assert.deepEqual(second.data().map((d) => [d.seq, d.text, d.possibleDuplicate]), [[1, 'queued', false]]);
  second.frame({ type: T.ACK, ack: 1 });
  await queued;
  assert.deepEqual([h.socket.stats.resets, h.socket.stats.inDoubt, h.socket.stats.carried], [1, 1, 1]);
  h.socket.close();
});

test("with inDoubt: 'resend' the in-doubt messages go again, flagged, ahead of the carried ones", async () => {
  const h = harness({ inDoubt: 'resend' });
  const first = h.session(false, 'OLD');
  const written = h.socket.send('written');
  first.drop();
  const queued = h.socket.send('queued');
  h.clock.advance(h.of('disconnected')[0].delay);
  const second = h.session(false, 'NEW');
  assert.deepEqual(second.data().map((d) => [d.seq, d.text, d.possibleDuplicate]),
    [[1, 'written', true], [2, 'queued', false]]);
  second.frame({ type: T.ACK, ack: 2 });
  await Promise.all([written, queued]);
  assert.equal(h.of('reset')[0].resent, true);
  h.socket.close();
});

test('counters: replayed counts only messages written before and not acknowledged; resumes, delivered, duplicates', () => {
  const h = harness();
  const first = h.session(false, 'S');
  h.socket.send('a').catch(() => {}); h.socket.send('b').catch(() => {});
  first.frame({ type: T.DATA, seq: 1, ack: 1, text: 'x' }); // acks 'a'
  first.drop();
  h.socket.send('c').catch(() => {}); // queued while away: sent fresh on resume, not a replay
  h.clock.advance(h.of('disconnected')[0].delay);
  const second = h.session(true, 'S', 1);
  assert.deepEqual(second.data().map((d) => d.text), ['b', 'c']);
  assert.equal(h.socket.stats.replayed, 1, "only 'b' was written before");
  assert.equal(h.socket.stats.resumes, 1);
  second.frame({ type: T.DATA, seq: 1, ack: 3, text: 'x' }); // a replay of what we have: duplicate
  second.frame({ type: T.DATA, seq: 2, ack: 3, text: 'y' });
  assert.equal(h.socket.stats.delivered, 2);
  assert.equal(h.socket.stats.duplicates, 1);
  h.socket.close();
  assert.equal(h.socket.stats.resets, 0);
});

test('possible-duplicate flag and sequence number reach the message event', () => {
  const h = harness();
  const w = h.session(false, 'S');
  const got = [];
  h.socket.addEventListener('message', (e) => got.push(e.detail));
  const flagged = new Uint8Array(encode({ type: T.DATA, seq: 1, ack: 0, text: 'again' }));
  flagged[1] = 0x02;
  w.onmessage({ data: flagged.buffer });
  assert.deepEqual(got, [{ text: 'again', seq: 1, possibleDuplicate: true }]);
  h.socket.close();
});

test('sends made in the open handler queue behind earlier sends', () => {
  const clock = new FakeClock();
  const ws = fakeWebSockets();
  const socket = new TetherSocket('ws://test/', { WebSocket: ws.FakeWebSocket, clock, random: () => 0 });
  socket.addEventListener('open', () => { socket.send('B').catch(() => {}); });
  socket.send('A1').catch(() => {}); socket.send('A2').catch(() => {});
  const w = ws.last(); w.accept(); w.welcome(false, 'S');
  assert.deepEqual(w.data().map((d) => d.text), ['A1', 'A2', 'B']);
  socket.close();
});
