// Type declarations of tether.js (hand-written; types-test/example.ts checks them with tsc).

/** The subprotocol a TetherSocket asks for: `tether.v1`. */
export const SUBPROTOCOL: 'tether.v1';
/** The subprotocol entry that carries a token: `access_token.<jwt>` (never selected by the server). */
export const TOKEN_PREFIX: 'access_token.';
/** Frame type bytes of tether.v1 (docs/protocol.md). */
export const T: Readonly<{
  DATA: 0x01; ACK: 0x02; HELLO: 0x10; WELCOME: 0x11; PING: 0x20; PONG: 0x21; BACKGROUND: 0x22; GOAWAY: 0x30;
}>;

/** A DATA frame: one application message, numbered `seq`, acknowledging the peer's messages up to `ack`. */
export type DataFrame =
  | { type: 0x01; seq: number; ack: number; binary?: false; text: string; possibleDuplicate?: boolean }
  | { type: 0x01; seq: number; ack: number; binary: true; payload: Uint8Array; possibleDuplicate?: boolean };
export interface AckFrame { type: 0x02; ack: number }
export interface HelloFrame { type: 0x10; version?: number; lastReceived: number; sessionId: string; token: string }
export interface WelcomeFrame {
  type: 0x11; resumed: boolean; lastReceived: number; sessionId: string; token: string;
  /** How long the server keeps the session for a resume, in milliseconds. */
  ttlMillis: number;
}
/** PING and PONG carry the sender's timestamp (milliseconds), echoed back. */
export interface PingFrame { type: 0x20 | 0x21; stamp: number }
export interface BackgroundFrame { type: 0x22; hidden: boolean }
export interface GoawayFrame { type: 0x30; retryAfterMillis: number; reason: string }
export type Frame = DataFrame | AckFrame | HelloFrame | WelcomeFrame | PingFrame | BackgroundFrame | GoawayFrame;

/** Encodes one frame into a new ArrayBuffer; throws on a frame type it does not send or a string over 255 bytes. */
export function encode(frame: Frame): ArrayBuffer;
/** Decodes one frame; throws {@link ProtocolError} on anything malformed (unknown type or flags, short, bad UTF-8). */
export function decode(buffer: ArrayBuffer): Frame;
/** Thrown by {@link decode}: the peer broke the protocol. */
export class ProtocolError extends Error {}

/** Decorrelated jitter (AWS): min(cap, U[base, previous × 3]), in milliseconds; `random` returns [0, 1). */
export function decorrelatedJitter(previous: number, base: number, cap: number, random: () => number): number;
/** The `retry-after=<n>ms` or `<n>s` hint in a close reason, in milliseconds (at most 600000), or 0 when there is none. */
export function retryHint(reason: string | null | undefined): number;
/** Whether a server's close code means "do not come back" (1000, 1002, 1003, 1007–1010, 4500–4999). */
export function isTerminalClose(code: number): boolean;

/** The option defaults, the same as the Java client's where both have the setting. Times in milliseconds. */
export const DEFAULTS: Readonly<{
  baseDelay: 250; capDelay: 30000; resetAfter: 2000; connectTimeout: 10000; welcomeTimeout: 10000;
  pingInterval: 10000; pingTimeout: 10000; ackEvery: 32; ackDelay: 20; maxUnacked: 1000; inDoubt: 'fail';
}>;

/** A clock to run in virtual time (tests); times in milliseconds. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** Options of a {@link TetherSocket}; every time is in milliseconds, every one optional ({@link DEFAULTS}). */
export interface TetherSocketOptions {
  /** The WebSocket constructor: the browser's by default; in Node, `ws`'s `WebSocket` (or Node 22's global). */
  WebSocket?: new (url: string, protocols?: string | string[]) => WebSocket;
  /** First and smallest reconnect delay. */
  baseDelay?: number;
  /** Largest reconnect delay. */
  capDelay?: number;
  /** A connection that stayed up this long worked: the next outage starts its backoff afresh. */
  resetAfter?: number;
  /** Longest wait for the WebSocket to open. */
  connectTimeout?: number;
  /** Longest wait from open to the server's WELCOME. */
  welcomeTimeout?: number;
  /** Ping after this much silence. */
  pingInterval?: number;
  /** The server counts as dead after pingInterval + pingTimeout of silence; the socket reconnects. */
  pingTimeout?: number;
  /** Acknowledge at the latest after this many messages... */
  ackEvery?: number;
  /** ...or this long after the first unacknowledged one. */
  ackDelay?: number;
  /** Sends not yet acknowledged beyond which send() rejects (backpressure). */
  maxUnacked?: number;
  /** After a session reset, messages written but unacknowledged: reject them ('fail') or resend them flagged ('resend'). */
  inDoubt?: 'fail' | 'resend';
  /** Random numbers in [0, 1) for the jitter. */
  random?: () => number;
  clock?: Clock;
  /** Where to watch visibility (hidden tabs) and `online` events; the globals by default. */
  document?: Document;
  window?: Window;
  /** Called before every attempt (reconnects included): the token to present, or null for none. */
  credentials?: (() => Promise<string | null> | string | null) | null;
}

export type SocketState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** How a message arrived: its sequence number, and whether it may be a second copy (after a node died). */
export interface Delivery { seq: number; possibleDuplicate: boolean }
export type MessageDetail = (Delivery & { text: string; data?: undefined }) | (Delivery & { data: Uint8Array; text?: undefined });
/** Messages of this side that a session reset touched: failed or resent (`inDoubt`), carried into the new session. */
export interface ResetDetail { inDoubt: Array<string | Uint8Array>; carried: Array<string | Uint8Array>; resent: boolean }
export interface DisconnectedDetail {
  code: number; reason: string;
  /** True when this side decided (a heartbeat timeout, a timeout of the attempt), false when the server closed. */
  local: boolean;
  willRetry: true;
  /** The wait before the next attempt, in milliseconds (a server's retry hint included). */
  delay: number;
  /** The backoff formula's own draw, in milliseconds. */
  backoff: number;
  attempt: number;
}
/** Round-trip time of the heartbeat, in milliseconds. */
export interface RoundTrip { last: number; smoothed: number }

/** The events of a {@link TetherSocket}, by type: each is an Event whose `detail` is this. */
export interface TetherSocketEventMap {
  open: { sessionId: string };
  message: MessageDetail;
  disconnected: DisconnectedDetail;
  reconnecting: { attempt: number };
  reconnected: { sessionId: string; attempts: number };
  /** The session continued: nothing lost, nothing repeated. */
  resumed: { sessionId: string };
  /** The server started a new session; what the server had sent and this side never got is gone. */
  reset: ResetDetail;
  rtt: RoundTrip;
  state: { state: SocketState };
  /** Final. */
  closed: { code: number; reason: string };
}

export type TetherSocketEvent<K extends keyof TetherSocketEventMap> = Event & { readonly detail: TetherSocketEventMap[K] };

/**
 * One tether.v1 session across any number of WebSocket connections: reconnects with decorrelated
 * jitter, resumes the session, replays what the server has not received, drops duplicates.
 * At run time it is an EventTarget; the declarations accept only its own event types.
 */
export class TetherSocket {
  /** Starts connecting at once. Throws TypeError on a bad `inDoubt`. */
  constructor(url: string, options?: TetherSocketOptions);
  readonly url: string;
  readonly state: SocketState;
  /** The session's id once welcomed; '' before. */
  readonly sessionId: string;
  /** The last heartbeat round trip, or null before the first. */
  readonly rtt: RoundTrip | null;
  readonly stats: {
    delivered: number; duplicates: number; replayed: number; resumes: number; resets: number; carried: number; inDoubt: number;
  };
  /** Resolves when the server has acknowledged the message; rejects when it cannot be delivered (closed, backpressure, in doubt). */
  send(text: string): Promise<void>;
  /** As {@link send}, for binary data (copied). */
  sendBinary(data: ArrayBuffer | ArrayBufferView): Promise<void>;
  /** Skips the backoff wait and connects now (while reconnecting). */
  reconnectNow(): void;
  /** Closes for good; unacknowledged sends are rejected. Idempotent. */
  close(code?: number, reason?: string): void;

  addEventListener<K extends keyof TetherSocketEventMap>(
    type: K, listener: (event: TetherSocketEvent<K>) => void, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof TetherSocketEventMap>(
    type: K, listener: (event: TetherSocketEvent<K>) => void, options?: boolean | EventListenerOptions): void;
  dispatchEvent(event: Event): boolean;
}
