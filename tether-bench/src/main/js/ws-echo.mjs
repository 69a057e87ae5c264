// Node `ws` 8 echo server at /echo for the side-by-side benchmark: node ws-echo.mjs PORT
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/echo', maxPayload: 2 << 20, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on('listening', () => console.log(`ready node-ws ${port}`));
