// tether.js — a client of the tether.v1 subprotocol (docs/protocol.md) for browsers, and for
// Node.js with a WebSocket implementation passed in (e.g. the `ws` package).
//
// One TetherSocket is one session across any number of WebSocket connections: it reconnects with
// decorrelated jitter (honouring the server's retry hints), resumes the session, replays what the
// server has not received, drops duplicates, and resolves each send() when the server has
// acknowledged the message. Application-level PING/PONG frames detect a dead server (browsers
// cannot send WebSocket pings), at exactly `pingInterval + pingTimeout` after the last frame heard.
// It reconnects at once on the browser's `online` event and when a hidden tab becomes visible and
// finds its connection silent, and it tells the server when the tab goes to the background
// (BACKGROUND frame), so throttled timers are not taken for death.
//
// The reconnect rule and the reset semantics are the Java client's (docs/reconnection.md,
// docs/guarantees.md): attempts and delays count per outage, and an outage ends only when a
// connection *worked* (a frame arrived after the WELCOME, or it stayed up `resetAfter`); after a
// session reset, messages never written to any connection are carried into the new session and
// written-but-unacknowledged ones are reported in doubt (rejected, or resent flagged as possible
// duplicates with `inDoubt: 'resend'`). Time comes from an injectable clock, so tests run in
// virtual time.

export const SUBPROTOCOL = 'tether.v1';
/** The subprotocol entry that carries a token: `access_token.<jwt>` (never selected by the server). */
export const TOKEN_PREFIX = 'access_token.';
export const T = Object.freeze({
  DATA: 0x01, ACK: 0x02, HELLO: 0x10, WELCOME: 0x11, PING: 0x20, PONG: 0x21, BACKGROUND: 0x22, GOAWAY: 0x30,
});

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function str(bytes) {
  if (bytes.length > 255) throw new Error('string longer than 255 bytes');
  return bytes;
}

/** Encodes one frame object ({type, ...fields}) into an ArrayBuffer. */
export function encode(f) {
  let body;
  switch (f.type) {
    case T.DATA: {
      const payload = f.binary ? new Uint8Array(f.payload) : utf8.encode(f.text);
      body = new Uint8Array(18 + payload.length);
      const v = new DataView(body.buffer);
      v.setUint8(0, T.DATA); v.setUint8(1, (f.binary ? 1 : 0) | (f.possibleDuplicate ? 2 : 0));
      v.setBigUint64(2, BigInt(f.seq)); v.setBigUint64(10, BigInt(f.ack));
      body.set(payload, 18);
      return body.buffer;
    }
    case T.ACK: case T.PING: case T.PONG: {
      body = new Uint8Array(9);
      const v = new DataView(body.buffer);
      v.setUint8(0, f.type);
      v.setBigUint64(1, BigInt(f.type === T.ACK ? f.ack : f.stamp));
      return body.buffer;
    }
    case T.BACKGROUND:
      return new Uint8Array([T.BACKGROUND, f.hidden ? 1 : 0]).buffer;
    case T.HELLO: {
      const id = str(utf8.encode(f.sessionId)); const token = str(utf8.encode(f.token));
      body = new Uint8Array(1 + 1 + 8 + 1 + id.length + 1 + token.length);
      const v = new DataView(body.buffer);
      v.setUint8(0, T.HELLO); v.setUint8(1, f.version ?? 1); v.setBigUint64(2, BigInt(f.lastReceived));
      v.setUint8(10, id.length); body.set(id, 11);
      v.setUint8(11 + id.length, token.length); body.set(token, 12 + id.length);
      return body.buffer;
    }
    default:
      throw new Error(`cannot encode frame type ${f.type}`);
  }
}

class Reader {
  constructor(buffer) { this.v = new DataView(buffer); this.b = new Uint8Array(buffer); this.p = 0; }
  need(n) { if (this.p + n > this.b.length) throw new ProtocolError('truncated frame'); }
  u8() { this.need(1); return this.v.getUint8(this.p++); }
  u64() { this.need(8); const x = this.v.getBigUint64(this.p); this.p += 8; return Number(x); }
  str() { const n = this.u8(); this.need(n); const s = fromUtf8.decode(this.b.subarray(this.p, this.p + n)); this.p += n; return s; }
  rest() { const r = this.b.subarray(this.p); this.p = this.b.length; return r; }
  end() { if (this.p !== this.b.length) throw new ProtocolError('bytes after the end of a frame'); }
}

export class ProtocolError extends Error {}

/** Decodes one frame from an ArrayBuffer; throws ProtocolError for malformed input. */
export function decode(buffer) {
  const r = new Reader(buffer);
  const type = r.u8();
  let f;
  switch (type) {
    case T.DATA: {
      const flags = r.u8();
      const seq = r.u64(); const ack = r.u64();
      if (flags & ~3) throw new ProtocolError('unknown DATA flags');
      if (seq < 1) throw new ProtocolError('DATA sequence number must be at least 1');
      const payload = r.rest();
      f = { type, seq, ack, binary: (flags & 1) === 1, possibleDuplicate: (flags & 2) === 2 };
      if (f.binary) f.payload = payload.slice(); else f.text = fromUtf8.decode(payload);
      break;
    }
    case T.ACK: f = { type, ack: r.u64() }; break;
    case T.PING: case T.PONG: f = { type, stamp: r.u64() }; break;
    case T.WELCOME: {
      const flags = r.u8();
      f = { type, resumed: (flags & 1) === 1, lastReceived: r.u64(), sessionId: r.str(), token: r.str(), ttlMillis: r.u64() };
      break;
    }
    case T.HELLO: f = { type, version: r.u8(), lastReceived: r.u64(), sessionId: r.str(), token: r.str() }; break;
    case T.GOAWAY: f = { type, retryAfterMillis: r.u64(), reason: r.str() }; break;
    case T.BACKGROUND: f = { type, hidden: r.u8() === 1 }; break;
    default: throw new ProtocolError(`unknown frame type 0x${type.toString(16)}`);
  }
  r.end();
  return f;
}

/** Decorrelated jitter (AWS): min(cap, U[base, previous × 3]), previous starting at base. */
export function decorrelatedJitter(previous, base, cap, random) {
  const prev = Math.max(base, previous);
  return Math.min(cap, base + (prev * 3 - base) * random());
}

/** The retry-after hint in a close reason: `retry-after=<n>ms` or `<n>s`, in milliseconds, or 0. */
export function retryHint(reason) {
  const m = /retry-after=(\d{1,9})(ms|s)\b/.exec(reason || '');
  if (!m) return 0;
  return Math.min(600000, Number(m[1]) * (m[2] === 's' ? 1000 : 1));
}

const TERMINAL_CLOSE = new Set([1000, 1002, 1003, 1007, 1008, 1009, 1010]);

/** The close codes a server uses to say "do not come back" (RFC 6455 codes it would repeat, and 4500–4999). */
export function isTerminalClose(code) {
  return TERMINAL_CLOSE.has(code) || (code >= 4500 && code <= 4999);
}

/** The defaults, the same as the Java client's where both have the setting. */
export const DEFAULTS = Object.freeze({
  baseDelay: 250, capDelay: 30000, resetAfter: 2000,
  connectTimeout: 10000, welcomeTimeout: 10000,
  pingInterval: 10000, pingTimeout: 10000,
  ackEvery: 32, ackDelay: 20, maxUnacked: 1000, inDoubt: 'fail',
});

/** Closes without throwing: a socket still connecting, or already closed, may refuse. */
function closeQuietly(ws, code, reason) {
  try {
    ws.close(code, String(reason).slice(0, 100));
  } catch {
    try { ws.close(); } catch { /* gone already */ }
  }
}

const realClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t),
});

export class TetherSocket extends EventTarget {
  /**
   * @param {string} url ws:// or wss:// URL of a tether.v1 endpoint
   * @param {object} [o] options (defaults in DEFAULTS): WebSocket (constructor); baseDelay, capDelay,
   *   resetAfter (ms); connectTimeout (until the WebSocket opens), welcomeTimeout (open → WELCOME);
   *   pingInterval, pingTimeout (ms); ackEvery, ackDelay (ms); maxUnacked; inDoubt ('fail' | 'resend');
   *   random (() => [0,1)); clock ({now, setTimeout, clearTimeout}); document, window;
   *   credentials (async () => token or null): called before every attempt, reconnects included, so an
   *   expired token is replaced, not replayed; the token travels as the subprotocol entry
   *   `access_token.<token>` (browsers cannot set an Authorization header on a WebSocket)
   */
  constructor(url, o = {}) {
    super();
    const c = { ...DEFAULTS, ...o };
    this.url = url;
    this.WebSocket = o.WebSocket ?? globalThis.WebSocket;
    this.baseDelay = c.baseDelay;
    this.capDelay = c.capDelay;
    this.resetAfter = c.resetAfter;
    this.connectTimeout = c.connectTimeout;
    this.welcomeTimeout = c.welcomeTimeout;
    this.pingInterval = c.pingInterval;
    this.pingTimeout = c.pingTimeout;
    this.ackEvery = c.ackEvery;
    this.ackDelay = c.ackDelay;
    this.maxUnacked = c.maxUnacked;
    if (c.inDoubt !== 'fail' && c.inDoubt !== 'resend') throw new TypeError(`inDoubt must be 'fail' or 'resend', was ${c.inDoubt}`);
    this.inDoubt = c.inDoubt;
    this.random = o.random ?? Math.random;
    this.clock = o.clock ?? realClock;
    this.credentials = o.credentials ?? null;
    this.doc = o.document ?? globalThis.document;
    this.win = o.window ?? globalThis.window;
    this.state = 'connecting';
    this.sessionId = '';
    this.token = '';
    this.nextSeq = 1;
    this.unacked = [];          // {seq, binary, text|payload, possibleDuplicate, resolve, reject}, in seq order
    this.highestWritten = 0;    // highest seq ever written to a connection: above it, never sent
    this.lastReceived = 0;
    this.lastOnConnection = 0;
    this.acked = 0;              // our last ack sent
    this.ackTimer = null;
    this.attempt = 0;            // attempts of the current outage
    this.previousDelay = 0;
    this.retryTimer = null;
    this.nextRetryAt = 0;
    this.attemptStartedAt = 0;   // the backoff delay runs from here, not from the attempt's failure
    this.attemptReadyAt = 0;     // when it was welcomed (0 while not)
    this.ws = null;
    this.welcomed = false;
    this.worked = false;         // the current connection worked (ends the outage when it is lost)
    this.attemptTimer = null;    // connect or WELCOME timeout of the current attempt
    this.workedTimer = null;
    this.livenessTimer = null;
    this.livenessDueAt = 0;
    this.lastHeard = this.clock.now();
    this.pingSent = false;       // a PING went out since lastHeard
    this.rtt = null;             // {last, smoothed} in ms
    this.everOpen = false;
    this.stats = { delivered: 0, duplicates: 0, replayed: 0, resumes: 0, resets: 0, carried: 0, inDoubt: 0 };
    this.#watchEnvironment();
    this.#connect();
  }

  /** Sends a text message; resolves when the server has it, rejects if it cannot be delivered (see the class comment). */
  send(text) {
    return this.#enqueue({ binary: false, text: String(text) });
  }

  /** Sends binary data (ArrayBuffer or typed array); same promise as send(). */
  sendBinary(data) {
    return this.#enqueue({ binary: true, payload: new Uint8Array(data.buffer ? data.buffer : data).slice() });
  }

  /** Skips the backoff wait and connects now. */
  reconnectNow() {
    if (this.state === 'reconnecting' && this.retryTimer) {
      this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.#retry();
    }
  }

  /** Closes for good; unacknowledged sends are rejected. */
  close(code = 1000, reason = '') {
    if (this.state === 'closed') return;
    this.#setState('closed');
    for (const t of [this.retryTimer, this.ackTimer, this.attemptTimer, this.workedTimer, this.livenessTimer]) this.clock.clearTimeout(t);
    this.#unwatchEnvironment?.();
    if (this.ws) { const ws = this.ws; this.#detach(ws); try { ws.close(code, reason); } catch { /* already closing */ } }
    this.#failAll(new Error('socket closed'));
    this.#emit('closed', { code, reason });
  }

  #enqueue(message) {
    if (this.state === 'closed') return Promise.reject(new Error('socket closed'));
    if (this.unacked.length >= this.maxUnacked) {
      return Promise.reject(new Error(`backpressure: ${this.unacked.length} messages not yet acknowledged`));
    }
    return new Promise((resolve, reject) => {
      const entry = { ...message, seq: this.nextSeq++, possibleDuplicate: false, resolve, reject };
      this.unacked.push(entry);
      if (this.state === 'open') this.#write(entry);
    });
  }

  #write(entry) {
    this.ws.send(encode({ type: T.DATA, seq: entry.seq, ack: this.lastReceived, binary: entry.binary, text: entry.text,
      payload: entry.payload, possibleDuplicate: entry.possibleDuplicate }));
    if (entry.seq > this.highestWritten) this.highestWritten = entry.seq;
    this.acked = this.lastReceived;
    this.clock.clearTimeout(this.ackTimer); this.ackTimer = null;
  }

  #connect() {
    if (!this.credentials) {
      this.#open([SUBPROTOCOL]);
      return;
    }
    this.attemptStartedAt = this.clock.now();
    Promise.resolve().then(() => this.credentials()).then((token) => {
      if (this.state === 'closed') return;
      this.#open(token ? [SUBPROTOCOL, TOKEN_PREFIX + token] : [SUBPROTOCOL]);
    }, (e) => {
      if (this.state !== 'closed') this.#lost({ code: 1006, reason: `credentials unavailable: ${e?.message ?? e}`, local: true });
    });
  }

  #open(protocols) {
    let ws;
    try {
      ws = new this.WebSocket(this.url, protocols);
    } catch (e) {
      this.#lost({ code: 1006, reason: String(e.message || e), local: true });
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.attemptStartedAt = this.clock.now();
    this.attemptReadyAt = 0;
    this.welcomed = false;
    this.worked = false;
    this.lastOnConnection = 0;
    this.#attemptDeadline(ws, this.connectTimeout, `no connection within ${this.connectTimeout} ms`);
    ws.onopen = () => {
      if (ws.protocol !== SUBPROTOCOL) {
        if (this.sessionId === '') {
          // Never had a session: this is not a tether.v1 endpoint, retrying will not change it.
          this.#detach(ws); ws.close(1000);
          this.close(1002, 'server does not speak tether.v1');
        } else {
          // A balancer picked a node that does not speak tether.v1: a failed attempt.
          this.#failAttempt(ws, 1002, 'the server did not select tether.v1');
        }
        return;
      }
      this.#attemptDeadline(ws, this.welcomeTimeout, `tether.v1: no WELCOME within ${this.welcomeTimeout} ms`);
      ws.send(encode({ type: T.HELLO, lastReceived: this.lastReceived, sessionId: this.sessionId, token: this.token }));
    };
    ws.onmessage = (ev) => this.#onFrame(ws, ev.data);
    ws.onclose = (ev) => { if (this.ws === ws) this.#lost({ code: ev.code, reason: ev.reason, local: false }); };
    ws.onerror = () => { /* onclose follows with the details */ };
  }

  /** Bounds the current phase of an attempt (connecting, or waiting for the WELCOME). */
  #attemptDeadline(ws, ms, why) {
    this.clock.clearTimeout(this.attemptTimer);
    this.attemptTimer = this.clock.setTimeout(() => {
      this.attemptTimer = null;
      if (this.ws === ws && !this.welcomed) this.#failAttempt(ws, 4000, why);
    }, ms);
  }

  /**
   * This side gives up on `ws`: a failed attempt of the outage, never a terminal verdict. Browsers let
   * a page close only with 1000 or 3000–4999, so the close frame says 4002 for a protocol error and
   * 4000 otherwise; `code` (what the application sees) keeps the RFC's meaning.
   */
  #failAttempt(ws, code, reason) {
    this.#detach(ws);
    closeQuietly(ws, code === 1002 ? 4002 : 4000, reason);
    this.#lost({ code, reason, local: true });
  }

  #detach(ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    if (this.ws === ws) this.ws = null;
  }

  #onFrame(ws, data) {
    if (this.ws !== ws) return;
    this.lastHeard = this.clock.now();
    this.pingSent = false;
    let f;
    try {
      if (typeof data === 'string') throw new ProtocolError('text frame on tether.v1');
      f = decode(data instanceof ArrayBuffer ? data : new Uint8Array(data).buffer);
      if (!this.welcomed) {
        if (f.type !== T.WELCOME) throw new ProtocolError('expected WELCOME');
        this.#onWelcome(f);
        return;
      }
      this.#markWorked();
      switch (f.type) {
        case T.DATA: this.#onData(f); break;
        case T.ACK: this.#onAck(f.ack); break;
        case T.PING: ws.send(encode({ type: T.PONG, stamp: f.stamp })); break;
        case T.PONG: this.#onPong(f.stamp); break;
        case T.GOAWAY: break;
        default: throw new ProtocolError('unexpected frame after WELCOME');
      }
    } catch (e) {
      if (!(e instanceof ProtocolError) && !(e instanceof TypeError) && !(e instanceof RangeError)) throw e;
      this.#failAttempt(ws, 1002, e.message);
    }
  }

  #onWelcome(w) {
    this.clock.clearTimeout(this.attemptTimer); this.attemptTimer = null;
    const reset = this.sessionId !== '' && !(w.resumed && w.sessionId === this.sessionId);
    if (reset) this.#reset();
    const resumed = !reset && w.resumed;
    this.sessionId = w.sessionId;
    this.token = w.token;
    this.welcomed = true;
    this.attemptReadyAt = this.clock.now();
    if (resumed) this.#onAck(w.lastReceived);
    const peerHas = resumed ? w.lastReceived : 0;
    const writtenBefore = this.highestWritten;
    for (const e of this.unacked) {
      if (e.seq > peerHas) {
        if (e.seq <= writtenBefore) this.stats.replayed++; // written before, not acknowledged: a replay
        this.#write(e);
      }
    }
    const wasOpen = this.everOpen;
    this.everOpen = true;
    this.#setState('open');
    this.lastHeard = this.clock.now();
    this.pingSent = false;
    this.#armLiveness();
    this.workedTimer = this.clock.setTimeout(() => { this.workedTimer = null; this.#markWorked(); }, this.resetAfter);
    if (this.doc?.visibilityState === 'hidden') this.ws.send(encode({ type: T.BACKGROUND, hidden: true }));
    if (!wasOpen) this.#emit('open', { sessionId: this.sessionId });
    else this.#emit('reconnected', { sessionId: this.sessionId, attempts: this.attempt });
    if (resumed) { this.stats.resumes++; this.#emit('resumed', { sessionId: this.sessionId }); }
    if (reset) this.#emit('reset', this.lastReset);
  }

  /**
   * The server started a new session: carry what was never written (and, with inDoubt 'resend', what
   * is in doubt, flagged) into it, renumbered from 1 in order; reject the in-doubt rest.
   */
  #reset() {
    const old = this.unacked;
    const written = old.filter((e) => e.seq <= this.highestWritten);
    const neverWritten = old.filter((e) => e.seq > this.highestWritten);
    const resend = this.inDoubt === 'resend';
    const payload = (e) => (e.binary ? e.payload : e.text);
    const detail = {
      inDoubt: written.map(payload),
      carried: neverWritten.map(payload),
      resent: resend,
    };
    const why = 'in doubt: written but never acknowledged before the server reset the session';
    const carried = [];
    for (const e of written) {
      if (resend) carried.push({ ...e, possibleDuplicate: true });
      else e.reject(Object.assign(new Error(why), { inDoubt: true, payload: payload(e) }));
    }
    carried.push(...neverWritten);
    this.nextSeq = 1;
    for (const e of carried) e.seq = this.nextSeq++;
    this.unacked = carried;
    this.highestWritten = 0;
    this.lastReceived = 0;
    this.acked = 0;
    this.stats.resets++;
    this.stats.inDoubt += written.length;
    this.stats.carried += neverWritten.length;
    this.lastReset = detail;
  }

  #markWorked() {
    if (this.worked) return;
    this.worked = true;
    this.clock.clearTimeout(this.workedTimer); this.workedTimer = null;
  }

  #onData(d) {
    this.#onAck(d.ack);
    if (d.seq <= this.lastOnConnection) throw new ProtocolError(`sequence went backwards: ${d.seq}`);
    this.lastOnConnection = d.seq;
    if (d.seq <= this.lastReceived) { this.stats.duplicates++; return; }
    if (d.seq !== this.lastReceived + 1) throw new ProtocolError(`sequence gap: expected ${this.lastReceived + 1}, got ${d.seq}`);
    this.lastReceived = d.seq;
    this.stats.delivered++;
    const delivery = { seq: d.seq, possibleDuplicate: d.possibleDuplicate };
    this.#emit('message', d.binary ? { data: d.payload, ...delivery } : { text: d.text, ...delivery });
    if (this.lastReceived - this.acked >= this.ackEvery) this.#sendAck();
    else if (!this.ackTimer) this.ackTimer = this.clock.setTimeout(() => this.#sendAck(), this.ackDelay);
  }

  #sendAck() {
    this.clock.clearTimeout(this.ackTimer); this.ackTimer = null;
    if (this.state !== 'open' || this.lastReceived === this.acked) return;
    this.ws.send(encode({ type: T.ACK, ack: this.lastReceived }));
    this.acked = this.lastReceived;
  }

  #onAck(upTo) {
    const last = this.nextSeq - 1;
    if (upTo > last) throw new ProtocolError(`ack ${upTo} beyond the last message sent (${last})`);
    while (this.unacked.length && this.unacked[0].seq <= upTo) this.unacked.shift().resolve();
  }

  #onPong(stamp) {
    const sample = this.clock.now() - stamp;
    if (sample < 0 || sample > 600000) return;
    const smoothed = this.rtt ? this.rtt.smoothed + (sample - this.rtt.smoothed) / 8 : sample;
    this.rtt = { last: sample, smoothed };
    this.#emit('rtt', this.rtt);
  }

  /**
   * One timer per socket, set for the next thing due: a PING once `pingInterval` passed without a
   * frame, death once `pingInterval + pingTimeout` passed. Frames only move `lastHeard`; the timer,
   * when it fires early, sets itself again for the moved deadline — so detection is exact, and no
   * timer is touched per frame.
   */
  #armLiveness() {
    this.clock.clearTimeout(this.livenessTimer);
    this.livenessTimer = null;
    if (this.state !== 'open' || !this.ws) return;
    const deadAt = this.lastHeard + this.pingInterval + this.pingTimeout;
    const pingAt = this.pingSent ? Infinity : this.lastHeard + this.pingInterval;
    const at = Math.min(deadAt, pingAt);
    this.livenessDueAt = Math.max(at, this.clock.now());
    this.livenessTimer = this.clock.setTimeout(() => this.#onLivenessTimer(), this.livenessDueAt - this.clock.now());
  }

  #onLivenessTimer() {
    this.livenessTimer = null;
    if (this.state !== 'open' || !this.ws) return;
    const now = this.clock.now();
    if (now - this.livenessDueAt > this.pingTimeout) {
      // The timer fired far too late: this page was frozen or its timers throttled (a hidden tab,
      // a sleeping laptop), so the silence measured is partly our own. Ask the server once more and
      // give it pingTimeout, rather than calling it dead for our sleep.
      this.lastHeard = now - this.pingInterval;
      this.pingSent = false;
    }
    const silent = now - this.lastHeard;
    if (silent >= this.pingInterval + this.pingTimeout) {
      this.#declareDead(silent);
      return;
    }
    if (!this.pingSent && silent >= this.pingInterval) {
      this.ws.send(encode({ type: T.PING, stamp: now }));
      this.pingSent = true;
    }
    this.#armLiveness();
  }

  #declareDead(silent) {
    const ws = this.ws;
    this.#detach(ws);
    closeQuietly(ws, 4000, 'heartbeat timeout');
    this.#lost({ code: 1006, reason: `heartbeat timeout: nothing heard for ${silent} ms`, local: true });
  }

  #lost({ code, reason, local }) {
    if (this.state === 'closed') return;
    if (this.ws) this.#detach(this.ws);
    for (const t of [this.ackTimer, this.attemptTimer, this.workedTimer, this.livenessTimer]) this.clock.clearTimeout(t);
    this.ackTimer = this.attemptTimer = this.workedTimer = this.livenessTimer = null;
    if (!local && isTerminalClose(code)) {
      this.close(code, reason);
      return;
    }
    const worked = this.worked;
    if (worked) {
      // The lost connection worked: that outage is over, this one starts a fresh sequence.
      this.attempt = 0;
      this.previousDelay = 0;
    }
    this.worked = false;
    this.attempt++;
    // Attempt 2 draws like attempt 1 (the Java client's rule): the first retry often lands in the
    // tail of the fault that caused the outage, and its failure says little. Growth starts at 3.
    let drawn = decorrelatedJitter(this.attempt === 2 ? 0 : this.previousDelay, this.baseDelay, this.capDelay, this.random);
    const hint = (code === 1012 || code === 1013) ? retryHint(reason) : 0;
    if (hint > 0) drawn = Math.max(drawn, hint + hint * 0.5 * this.random());
    this.previousDelay = drawn;
    // The delay runs from the start of an attempt that never worked (gRPC's connection backoff does
    // the same): one that hung in a blackhole until a reset has spent that part already. Only the
    // time before the WELCOME counts (time connected would undo the jitter), and a server's hint
    // is waited in full from now.
    const readyOrNow = this.attemptReadyAt || this.clock.now();
    const spent = (worked || hint > 0) ? 0 : readyOrNow - this.attemptStartedAt;
    const delay = Math.max(0, drawn - spent);
    this.nextRetryAt = this.clock.now() + delay;
    this.#setState('reconnecting');
    this.#emit('disconnected', { code, reason, local, willRetry: true, delay, backoff: drawn, attempt: this.attempt });
    this.retryTimer = this.clock.setTimeout(() => { this.retryTimer = null; this.#retry(); }, delay);
  }

  #retry() {
    this.#emit('reconnecting', { attempt: this.attempt });
    this.#connect();
  }

  #failAll(error) {
    const all = this.unacked;
    this.unacked = [];
    for (const e of all) e.reject(error);
  }

  #setState(s) {
    if (this.state === s) return;
    this.state = s;
    this.#emit('state', { state: s });
  }

  #emit(type, detail) {
    this.dispatchEvent(Object.assign(new Event(type), { detail }));
  }

  #unwatchEnvironment = null;

  #watchEnvironment() {
    const win = this.win; const doc = this.doc;
    if (!win || !doc || !win.addEventListener) return;
    const online = () => this.reconnectNow();
    const visibility = () => {
      const hidden = doc.visibilityState === 'hidden';
      if (this.state === 'open' && this.ws) {
        this.ws.send(encode({ type: T.BACKGROUND, hidden }));
        // Throttled timers may have missed a dead connection: check at once when we come back.
        const silent = this.clock.now() - this.lastHeard;
        if (!hidden && silent >= this.pingInterval + this.pingTimeout) this.#declareDead(silent);
      } else if (!hidden) {
        this.reconnectNow();
      }
    };
    win.addEventListener('online', online);
    doc.addEventListener('visibilitychange', visibility);
    this.#unwatchEnvironment = () => {
      win.removeEventListener('online', online);
      doc.removeEventListener('visibilitychange', visibility);
    };
  }
}
