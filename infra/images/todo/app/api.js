// The to-do API of one session: JSON over HTTP on $PORT (4000), stored in the session's own database.
const http = require('http');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
const port = Number(process.env.PORT || 4000);

// The API starts beside its database: it asks every 100 ms until the database answers, then listens.
async function ready() {
  for (let tries = 0; ; tries++) {
    try {
      await pool.query('create table if not exists todos (id serial primary key, title text not null, '
        + 'done boolean not null default false, created_at timestamptz not null default now())');
      return;
    } catch (e) {
      if (tries % 50 === 0) console.error('waiting for the database: ' + e.message);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function read(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
      if (text.length > 10000) reject(new Error('too large'));
    });
    req.on('end', () => {
      try { resolve(text ? JSON.parse(text) : {}); } catch (e) { reject(e); }
    });
  });
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://api');
  const item = url.pathname.match(/^\/api\/todos\/(\d+)$/);
  if (url.pathname === '/health') return send(res, 200, { status: 'UP' });
  if (url.pathname === '/api/todos' && req.method === 'GET') {
    const { rows } = await pool.query('select id, title, done from todos order by id');
    return send(res, 200, rows);
  }
  if (url.pathname === '/api/todos' && req.method === 'POST') {
    const body = await read(req);
    const title = typeof body.title === 'string' ? body.title.trim() : '';
    if (!title || title.length > 200) return send(res, 400, { error: 'title must be 1 to 200 characters' });
    const { rows } = await pool.query('insert into todos (title) values ($1) returning id, title, done', [title]);
    return send(res, 201, rows[0]);
  }
  if (item && req.method === 'PATCH') {
    const body = await read(req);
    if (typeof body.done !== 'boolean') return send(res, 400, { error: 'done must be true or false' });
    const { rows } = await pool.query('update todos set done = $2 where id = $1 returning id, title, done',
      [item[1], body.done]);
    return rows.length ? send(res, 200, rows[0]) : send(res, 404, { error: 'no such to-do' });
  }
  if (item && req.method === 'DELETE') {
    const { rowCount } = await pool.query('delete from todos where id = $1', [item[1]]);
    return rowCount ? send(res, 204) : send(res, 404, { error: 'no such to-do' });
  }
  return send(res, 404, { error: 'no such resource' });
}

ready().then(() => {
  http.createServer((req, res) => handle(req, res).catch((e) => send(res, 400, { error: e.message })))
    .listen(port, () => console.log('to-do API on ' + port));
});
