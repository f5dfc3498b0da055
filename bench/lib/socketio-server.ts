/**
 * A Socket.IO server that relays each `pub` event from the publisher to every other client
 * (`socket.broadcast.emit`): the common choice for Node realtime apps, websocket transport only.
 * Run as its own process: node --import tsx bench/lib/socketio-server.ts. Prints `Ready: http://127.0.0.1:PORT`.
 */
import http from 'node:http';
import { Server } from 'socket.io';

const server = http.createServer();
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false, maxHttpBufferSize: 64 * 1024 });

io.on('connection', (socket) => {
  socket.on('pub', (payload: unknown) => socket.broadcast.emit('b', payload));
});

server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  console.log(`Ready: http://127.0.0.1:${port}`);
});

const stop = (): void => {
  void io.close();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
