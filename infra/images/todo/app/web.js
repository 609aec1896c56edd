// The to-do web front end of one session on $PORT (3000): the page, and /api/* passed to the API container.
const http = require('http');
const fs = require('fs');
const path = require('path');

const port = Number(process.env.PORT || 3000);
const api = new URL(process.env.API_URL || 'http://api:4000');
const page = fs.readFileSync(path.join(__dirname, 'index.html'));

http.createServer((req, res) => {
  if (req.url.startsWith('/api/')) {
    const upstream = http.request({ host: api.hostname, port: api.port, path: req.url, method: req.method,
      headers: { 'content-type': req.headers['content-type'] || 'application/json' } }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (e) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'the API is not reachable: ' + e.code }));
    });
    req.pipe(upstream);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page);
}).listen(port, () => console.log('to-do web on ' + port));
