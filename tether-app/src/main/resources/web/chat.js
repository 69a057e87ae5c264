// The chat page: a thin view over tether.js. Every piece of user text is inserted with
// textContent, never as HTML, so "<img src=x onerror=alert(1)>" shows as those characters.
import { TetherSocket } from './tether.js';

const params = new URLSearchParams(location.search);
const wsUrl = params.get('ws') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/chat`;
const pingMs = Number(params.get('ping') ?? 5000);
const $ = (id) => document.getElementById(id);

const state = { nick: '', node: '', current: '', rooms: new Map(), pending: new Map(), cid: 0 };
let socket = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function showError(text) {
  $('error').textContent = text;
}

// ---- connection indicator ---------------------------------------------------------------------

let lastDisconnect = null;
function renderStatus() {
  const s = $('status');
  let label;
  let st = socket ? socket.state : 'idle';
  if (st === 'open') {
    label = socket.rtt ? `connected · RTT ${Math.round(socket.rtt.smoothed)} ms` : 'connected';
    if (state.node) label += ` · ${state.node}`;
  } else if (st === 'reconnecting') {
    const wait = Math.max(0, (socket.nextRetryAt - Date.now()) / 1000);
    label = `reconnecting (attempt ${socket.attempt}, next try in ${wait.toFixed(1)} s)`;
    if (!navigator.onLine) { st = 'offline'; label = 'offline — waiting for the network'; }
  } else if (st === 'closed') {
    label = 'offline';
  } else if (st === 'idle') {
    label = 'not connected — choose a nickname';
  } else {
    label = 'connecting…';
  }
  s.dataset.state = st;
  s.textContent = label;
  s.title = lastDisconnect ? `last disconnect: ${lastDisconnect}` : '';
}
setInterval(renderStatus, 200);

// ---- rooms and messages -----------------------------------------------------------------------

function room(name) {
  if (!state.rooms.has(name)) state.rooms.set(name, { messages: [], members: [] });
  return state.rooms.get(name);
}

function renderRooms() {
  const list = $('rooms');
  list.replaceChildren();
  for (const name of state.rooms.keys()) {
    const li = el('li', undefined, name === state.current ? 'current' : '');
    const open = el('button', `#${name}`);
    open.type = 'button';
    open.dataset.room = name;
    open.addEventListener('click', () => { state.current = name; renderAll(); });
    const leave = el('button', 'leave');
    leave.type = 'button';
    leave.className = 'leave';
    leave.addEventListener('click', () => send({ t: 'leave', room: name }));
    li.append(open, leave);
    list.append(li);
  }
}

function renderMessages() {
  const list = $('messages');
  list.replaceChildren();
  $('room-title').textContent = state.current ? `#${state.current}` : 'no room';
  if (!state.current) return;
  for (const m of room(state.current).messages) {
    const li = el('li');
    li.dataset.id = m.id;
    li.append(el('span', m.from, 'from'), el('span', m.text, 'text'));
    list.append(li);
  }
  list.scrollTop = list.scrollHeight;
}

function renderMembers() {
  const list = $('members');
  list.replaceChildren();
  if (!state.current) return;
  for (const m of room(state.current).members) {
    const li = el('li', m.nick, m.online ? 'online' : 'offline');
    li.dataset.nick = m.nick;
    li.dataset.online = String(m.online);
    if (m.nick !== state.nick) {
      // A private room of the two of us: only our two logged-in principals may join it.
      li.title = `talk privately with ${m.nick}`;
      li.addEventListener('click', () => send({ t: 'join', room: privateRoom(state.nick, m.nick) }));
    }
    list.append(li);
  }
}

/** The private room of two nicknames, as the server names it: dm:<a>+<b>, in alphabetical order. */
function privateRoom(a, b) {
  return `dm:${[a, b].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)).join('+')}`;
}

function renderPending() {
  const list = $('pending');
  list.replaceChildren();
  for (const [cid, p] of state.pending) {
    const li = el('li', `${p.text} — ${p.state === 'pending' ? 'pending' : p.state}`);
    li.dataset.cid = cid;
    li.dataset.state = p.state;
    list.append(li);
  }
}

function renderAll() {
  renderRooms();
  renderMessages();
  renderMembers();
  renderPending();
}

function onServerMessage(m) {
  switch (m.t) {
    case 'welcome':
    case 'node':
      state.node = m.node;
      if (m.t === 'node') break;
      $('login').hidden = true;
      $('chat').hidden = false;
      break;
    case 'joined': {
      const r = room(m.room);
      r.messages = m.history;
      r.members = m.members;
      state.current = m.room;
      break;
    }
    case 'left':
      state.rooms.delete(m.room);
      if (state.current === m.room) state.current = state.rooms.keys().next().value ?? '';
      break;
    case 'presence':
      room(m.room).members = m.members;
      break;
    case 'msg': {
      // A room message comes once, except after our session moved from a node that died: then
      // the new node sends what may have been stored already, flagged, and the id tells.
      const r = room(m.room);
      if (!r.messages.some((x) => x.id === m.id)) r.messages.push(m);
      if (m.cid) state.pending.delete(m.cid);
      break;
    }
    case 'error':
      showError(m.error);
      if (m.cid) state.pending.delete(m.cid);
      break;
    default:
      break;
  }
  renderAll();
}

function send(message) {
  return socket.send(JSON.stringify(message));
}

function say(text) {
  if (!state.current) { showError('join a room first'); return; }
  const cid = `${state.nick}-${Date.now()}-${state.cid++}`;
  state.pending.set(cid, { text, state: 'pending' });
  renderPending();
  send({ t: 'say', room: state.current, text, cid }).then(
    () => { const p = state.pending.get(cid); if (p) { p.state = 'delivered'; renderPending(); } },
    () => { const p = state.pending.get(cid); if (p) { p.state = 'failed'; renderPending(); } });
}

// ---- wiring -----------------------------------------------------------------------------------

/**
 * The demo login: a token for our nickname from the server, asked for before every connection
 * attempt (so one that expired is replaced). A server without the demo login answers 404: we go on
 * anonymously. A demo: the server checks no password (see docs/security.md).
 */
async function demoToken() {
  const r = await fetch(`/demo/token?nick=${encodeURIComponent(state.nick)}`, { cache: 'no-store' });
  if (r.status === 404) return null;
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ?? `login failed: ${r.status}`);
  return body.token;
}

function connect() {
  socket = new TetherSocket(wsUrl, { pingInterval: pingMs, pingTimeout: pingMs, credentials: demoToken });
  window.tetherSocket = socket; // for the console, and for the browser tests' counters
  socket.addEventListener('message', (e) => onServerMessage(JSON.parse(e.detail.text)));
  socket.addEventListener('disconnected', (e) => { lastDisconnect = `${e.detail.code} ${e.detail.reason}`; renderStatus(); });
  socket.addEventListener('state', renderStatus);
  socket.addEventListener('rtt', renderStatus);
  socket.addEventListener('reset', (e) => {
    // A new session knows nothing of us: say who we are and rejoin our rooms.
    // Messages typed while away were never sent: tether.js carries them into the new session.
    // Those in doubt (sent, never acknowledged) may or may not have reached the room.
    const doubt = e.detail.inDoubt.length;
    showError(`the server lost our session${doubt ? `; ${doubt} message(s) may not have been delivered` : ''}`);
    send({ t: 'hello', nick: state.nick });
    for (const name of state.rooms.keys()) send({ t: 'join', room: name });
  });
}

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  state.nick = $('nick').value.trim();
  showError('');
  if (!socket) connect();
  send({ t: 'hello', nick: state.nick });
});

$('join-form').addEventListener('submit', (e) => {
  e.preventDefault();
  send({ t: 'join', room: $('room-name').value.trim() });
});

$('say-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('text').value;
  if (!text.trim()) return;
  $('text').value = '';
  say(text);
});

renderStatus();
