// tether.js — a client of the tether.v1 subprotocol (docs/protocol.md) for browsers, and for
// Node.js with a WebSocket implementation passed in (e.g. the `ws` package).
//
// One TetherSocket is one session across any number of WebSocket connections: it reconnects with
// decorrelated jitter (honouring the server's retry hints), resumes the session, replays what the
// server has not received, drops duplicates, and resolves each send() when the server has
// acknowledged the message. Application-level PING/PONG frames detect a dead server (browsers
// cannot send WebSocket pings). It reconnects at once on the browser's `online` event and when a
// hidden tab becomes visible and finds its connection silent, and it tells the server when the tab
// goes to the background (BACKGROUND frame), so throttled timers are not taken for death.

export const SUBPROTOCOL = 'tether.v1';
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
      v.setUint8(0, T.DATA); v.setUint8(1, f.binary ? 1 : 0);
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

export class TetherSocket extends EventTarget {
  /**
   * @param {string} url ws:// or wss:// URL of a tether.v1 endpoint
   * @param {object} [o] options: WebSocket (constructor), baseDelay/capDelay (ms), pingInterval/
   *   pingTimeout (ms), ackEvery, ackDelay (ms), maxUnacked, random (() => [0,1)), document, window
   */
  constructor(url, o = {}) {
    super();
    this.url = url;
    this.WebSocket = o.WebSocket ?? globalThis.WebSocket;
    this.baseDelay = o.baseDelay ?? 500;
    this.capDelay = o.capDelay ?? 30000;
    this.pingInterval = o.pingInterval ?? 10000;
    this.pingTimeout = o.pingTimeout ?? 10000;
    this.ackEvery = o.ackEvery ?? 32;
    this.ackDelay = o.ackDelay ?? 20;
    this.maxUnacked = o.maxUnacked ?? 1000;
    this.random = o.random ?? Math.random;
    this.doc = o.document ?? globalThis.document;
    this.win = o.window ?? globalThis.window;
    this.state = 'connecting';
    this.sessionId = '';
    this.token = '';
    this.nextSeq = 1;
    this.unacked = [];          // {seq, text|payload, binary, resolve, reject}
    this.lastReceived = 0;
    this.lastOnConnection = 0;
    this.acked = 0;              // our last ack sent
    this.ackTimer = null;
    this.attempt = 0;
    this.previousDelay = 0;
    this.retryTimer = null;
    this.nextRetryAt = 0;
    this.ws = null;
    this.welcomed = false;
    this.lastHeard = Date.now();
    this.rtt = null;             // {last, smoothed} in ms
    this.everOpen = false;
    this.stats = { delivered: 0, duplicates: 0, replayed: 0, resumes: 0 };
    this.heartbeatTimer = setInterval(() => this.#heartbeat(), Math.max(50, Math.min(this.pingInterval, this.pingTimeout) / 2));
    this.#watchEnvironment();
    this.#connect();
  }

  /** Sends a text message; resolves when the server has it, rejects if the session is lost or closed. */
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
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.#retry();
    }
  }

  /** Closes for good; unacknowledged sends are rejected. */
  close(code = 1000, reason = '') {
    if (this.state === 'closed') return;
    this.#setState('closed');
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.ackTimer);
    this.#unwatchEnvironment?.();
    if (this.ws) { this.#detach(this.ws); try { this.ws.close(code, reason); } catch { /* already closing */ } }
    this.#failAll(new Error('socket closed'));
    this.#emit('closed', { code, reason });
  }

  #enqueue(message) {
    if (this.state === 'closed') return Promise.reject(new Error('socket closed'));
    if (this.unacked.length >= this.maxUnacked) {
      return Promise.reject(new Error(`backpressure: ${this.unacked.length} messages not yet acknowledged`));
    }
    return new Promise((resolve, reject) => {
      const entry = { ...message, seq: this.nextSeq++, resolve, reject };
      this.unacked.push(entry);
      if (this.state === 'open') this.#write(entry);
    });
  }

  #write(entry) {
    this.ws.send(encode({ type: T.DATA, seq: entry.seq, ack: this.lastReceived, binary: entry.binary, text: entry.text, payload: entry.payload }));
    this.acked = this.lastReceived;
    clearTimeout(this.ackTimer); this.ackTimer = null;
  }

  #connect() {
    let ws;
    try {
      ws = new this.WebSocket(this.url, [SUBPROTOCOL]);
    } catch (e) {
      this.#lost({ code: 1006, reason: String(e.message || e) });
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.welcomed = false;
    this.lastOnConnection = 0;
    ws.onopen = () => {
      if (ws.protocol !== SUBPROTOCOL) {
        this.#detach(ws); ws.close(1000);
        this.close(1002, 'server does not speak tether.v1');
        return;
      }
      this.lastHeard = Date.now();
      ws.send(encode({ type: T.HELLO, lastReceived: this.lastReceived, sessionId: this.sessionId, token: this.token }));
    };
    ws.onmessage = (ev) => this.#onFrame(ws, ev.data);
    ws.onclose = (ev) => { if (this.ws === ws) this.#lost({ code: ev.code, reason: ev.reason }); };
    ws.onerror = () => { /* onclose follows with the details */ };
  }

  #detach(ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    if (this.ws === ws) this.ws = null;
  }

  #onFrame(ws, data) {
    if (this.ws !== ws) return;
    this.lastHeard = Date.now();
    let f;
    try {
      if (typeof data === 'string') throw new ProtocolError('text frame on tether.v1');
      f = decode(data instanceof ArrayBuffer ? data : new Uint8Array(data).buffer);
      if (!this.welcomed) {
        if (f.type !== T.WELCOME) throw new ProtocolError('expected WELCOME');
        this.#onWelcome(f);
        return;
      }
      switch (f.type) {
        case T.DATA: this.#onData(f); break;
        case T.ACK: this.#onAck(f.ack); break;
        case T.PING: ws.send(encode({ type: T.PONG, stamp: f.stamp })); break;
        case T.PONG: this.#onPong(f.stamp); break;
        default: throw new ProtocolError('unexpected frame after WELCOME');
      }
    } catch (e) {
      if (!(e instanceof ProtocolError) && !(e instanceof TypeError)) throw e;
      this.#detach(ws);
      try { ws.close(1002, String(e.message).slice(0, 100)); } catch { /* closing anyway */ }
      this.#lost({ code: 1002, reason: e.message });
    }
  }

  #onWelcome(w) {
    const reset = this.sessionId !== '' && !(w.resumed && w.sessionId === this.sessionId);
    if (reset) {
      const undelivered = this.unacked.map((e) => (e.binary ? e.payload : e.text));
      this.#failAll(Object.assign(new Error('session reset: the server did not resume the session'), { undelivered }));
      this.nextSeq = 1;
      this.lastReceived = 0;
      this.acked = 0;
      this.#emit('reset', { undelivered });
    }
    const resumed = !reset && w.resumed;
    this.sessionId = w.sessionId;
    this.token = w.token;
    this.welcomed = true;
    if (resumed) this.#onAck(w.lastReceived);
    for (const e of this.unacked) {
      if (e.seq > (resumed ? w.lastReceived : 0)) { this.#write(e); if (this.everOpen) this.stats.replayed++; }
    }
    const wasOpen = this.everOpen;
    this.everOpen = true;
    this.attempt = 0;
    this.previousDelay = 0;
    this.#setState('open');
    if (this.doc?.visibilityState === 'hidden') this.ws.send(encode({ type: T.BACKGROUND, hidden: true }));
    if (!wasOpen) this.#emit('open', { sessionId: this.sessionId });
    else this.#emit('reconnected', { sessionId: this.sessionId });
    if (resumed) { this.stats.resumes++; this.#emit('resumed', { sessionId: this.sessionId }); }
  }

  #onData(d) {
    this.#onAck(d.ack);
    if (d.seq <= this.lastOnConnection) throw new ProtocolError(`sequence went backwards: ${d.seq}`);
    this.lastOnConnection = d.seq;
    if (d.seq <= this.lastReceived) { this.stats.duplicates++; return; }
    if (d.seq !== this.lastReceived + 1) throw new ProtocolError(`sequence gap: expected ${this.lastReceived + 1}, got ${d.seq}`);
    this.lastReceived = d.seq;
    this.stats.delivered++;
    this.#emit('message', d.binary ? { data: d.payload } : { text: d.text });
    if (this.lastReceived - this.acked >= this.ackEvery) this.#sendAck();
    else if (!this.ackTimer) this.ackTimer = setTimeout(() => this.#sendAck(), this.ackDelay);
  }

  #sendAck() {
    clearTimeout(this.ackTimer); this.ackTimer = null;
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
    const sample = Date.now() - stamp;
    if (sample < 0 || sample > 600000) return;
    const smoothed = this.rtt ? this.rtt.smoothed + (sample - this.rtt.smoothed) / 8 : sample;
    this.rtt = { last: sample, smoothed };
    this.#emit('rtt', this.rtt);
  }

  #heartbeat() {
    if (this.state !== 'open' || !this.ws) return;
    const silent = Date.now() - this.lastHeard;
    if (silent >= this.pingInterval + this.pingTimeout) {
      this.#declareDead(silent);
    } else if (silent >= this.pingInterval / 2) {
      this.ws.send(encode({ type: T.PING, stamp: Date.now() }));
    }
  }

  #declareDead(silent) {
    const ws = this.ws;
    this.#detach(ws);
    try { ws.close(4000, 'heartbeat timeout'); } catch { /* dead anyway */ }
    this.#lost({ code: 1006, reason: `heartbeat timeout: nothing heard for ${silent} ms` });
  }

  #lost({ code, reason }) {
    if (this.state === 'closed') return;
    if (this.ws) this.#detach(this.ws);
    clearTimeout(this.ackTimer); this.ackTimer = null;
    if (TERMINAL_CLOSE.has(code) && this.welcomed) {
      this.close(code, reason);
      return;
    }
    this.attempt++;
    let delay = decorrelatedJitter(this.previousDelay, this.baseDelay, this.capDelay, this.random);
    const hint = (code === 1012 || code === 1013) ? retryHint(reason) : 0;
    if (hint > 0) delay = Math.max(delay, hint + hint * 0.5 * this.random());
    this.previousDelay = delay;
    this.nextRetryAt = Date.now() + delay;
    this.#setState('reconnecting');
    this.#emit('disconnected', { code, reason, willRetry: true, delay, attempt: this.attempt });
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.#retry(); }, delay);
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
        if (!hidden && Date.now() - this.lastHeard >= this.pingInterval + this.pingTimeout) {
          this.#declareDead(Date.now() - this.lastHeard);
        }
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
