// The tether.js side of the flapping measurement (`tether-bench flap --client node`): one
// TetherSocket to argv[2], 50 messages a second for argv[3] seconds, heartbeat 1 s / 1 s. Reports
// on stdout, one event a line, for the Java harness to time and count; ends when stdin closes.
import WebSocket from 'ws';
import { TetherSocket } from '../../../../tether-js/tether.js';

const [url, seconds] = [process.argv[2], Number(process.argv[3] ?? 60)];
const out = (line) => process.stdout.write(`${line}\n`);
const socket = new TetherSocket(url, { WebSocket, pingInterval: 1000, pingTimeout: 1000 });
socket.addEventListener('message', (e) => out(`recv ${e.detail.text.slice(1)}`));
socket.addEventListener('disconnected', (e) => out(`disconnected ${e.detail.attempt} ${Math.round(e.detail.delay)} ${Math.round(e.detail.backoff)}`));
socket.addEventListener('reconnected', () => out('reconnected'));
socket.addEventListener('reset', () => out('reset'));
let n = 0;
const end = Date.now() + seconds * 1000;
const sender = setInterval(() => {
  if (Date.now() >= end) { clearInterval(sender); out('done'); return; }
  const seq = ++n;
  out(`sent ${seq}`);
  socket.send(`c${seq}`).catch(() => out(`fail ${seq}`));
}, 20);
process.stdin.on('end', () => { socket.close(); process.exit(0); });
process.stdin.resume();
