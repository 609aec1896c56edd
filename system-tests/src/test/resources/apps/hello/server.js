// A page, a JSON echo of the request at /echo, and a WebSocket echo (text frames) on any path.
const http = require('http');
const crypto = require('crypto');
const port = Number(process.env.PORT || 3000);

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/echo')) {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
    return;
  }
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end('<!doctype html><title>hello</title><h1>Hello from the session</h1><p>path ' + req.url + '</p>');
});

server.on('upgrade', (req, socket) => {
  const key = req.headers['sec-websocket-key'];
  const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Accept: ' + accept + '\r\n\r\n');
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2) {
      const opcode = buffer[0] & 0x0f;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) { length = buffer.readUInt16BE(2); offset = 4; }
      const masked = (buffer[1] & 0x80) !== 0;
      const total = offset + (masked ? 4 : 0) + length;
      if (buffer.length < total) return;
      const mask = masked ? buffer.subarray(offset, offset + 4) : null;
      const payload = Buffer.from(buffer.subarray(total - length, total));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      buffer = buffer.subarray(total);
      if (opcode === 8) { socket.end(Buffer.from([0x88, 0])); return; }
      if (opcode === 1) {
        const reply = Buffer.from('echo: ' + payload.toString('utf8'));
        const header = reply.length < 126 ? Buffer.from([0x81, reply.length])
          : Buffer.from([0x81, 126, reply.length >> 8, reply.length & 0xff]);
        socket.write(Buffer.concat([header, reply]));
      }
    }
  });
});

server.listen(port, () => console.log('hello listens on ' + port));
