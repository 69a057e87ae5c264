// A typed use of the package by its name (resolved through package.json's "exports"): tsc checks
// that the declarations accept what users write and reject misuse (the @ts-expect-error lines).
import { TetherSocket, encode, decode, T, DEFAULTS, retryHint, type MessageDetail } from 'tether-js';

const socket = new TetherSocket('ws://127.0.0.1:8080/echo', {
  pingInterval: 5000,
  inDoubt: 'resend',
  credentials: async () => 'a-token',
});
socket.addEventListener('message', (e) => {
  const m: MessageDetail = e.detail;
  const text: string | undefined = m.text;
  const seq: number = e.detail.seq;
  void text; void seq;
});
socket.addEventListener('disconnected', (e) => console.log(e.detail.code, e.detail.delay));
socket.addEventListener('reset', (e) => console.log(e.detail.inDoubt.length, e.detail.carried));
socket.addEventListener('resumed', (e) => console.log(e.detail.sessionId));
const acknowledged: Promise<void> = socket.send('hello');
void acknowledged;
socket.close(1000, 'bye');

const frame = decode(encode({ type: T.ACK, ack: 3 }));
if (frame.type === T.ACK) console.log(frame.ack);
const wait: number = retryHint('server restarting; retry-after=500ms') + DEFAULTS.baseDelay;
void wait;

// @ts-expect-error inDoubt is 'fail' or 'resend'
new TetherSocket('ws://x', { inDoubt: 'maybe' });
// @ts-expect-error times are numbers of milliseconds, not strings
new TetherSocket('ws://x', { pingInterval: '5s' });
// @ts-expect-error no such event
socket.addEventListener('opened', () => {});
// @ts-expect-error a resume carries the session id, not an attempt count
socket.addEventListener('resumed', (e) => e.detail.attempts);
// @ts-expect-error send() takes text; binary goes through sendBinary()
socket.send(new Uint8Array(1));
