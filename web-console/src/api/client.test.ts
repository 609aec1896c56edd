import { describe, expect, it, vi } from 'vitest';
import { Api } from './client';
import { ApiError, describe as describeError, errorFor } from './problem';

function respond(status: number, body: string, contentType = 'application/problem+json'): typeof fetch {
  return vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': contentType } }));
}

describe('errors', () => {
  it('shows the detail of a problem', () => {
    const error = errorFor(400, JSON.stringify({ type: 'urn:berth:problem:invalid-request', title: 'Invalid request',
      status: 400, detail: 'durationMinutes must be a whole number' }), 'application/problem+json');
    expect(error.message).toBe('durationMinutes must be a whole number');
    expect(error.slug).toBe('invalid-request');
  });

  it('falls back to the title, then to a sentence for the status', () => {
    expect(errorFor(409, '{"title":"Conflict"}', 'application/json').message).toBe('Conflict');
    expect(errorFor(503, '<html>busy</html>', 'text/html').message).toMatch(/unavailable/);
    expect(errorFor(418, '', null).message).toBe('The request failed (HTTP 418)');
  });

  it('says when the server cannot be reached', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/could not be reached/);
  });
});

describe('Api', () => {
  it('sends the bearer token and JSON, and reads JSON', async () => {
    const fetcher = vi.fn(async () => new Response('{"id":"s1","status":"REQUESTED"}', { status: 202 }));
    const api = new Api(() => 'tok', () => {}, fetcher);
    const session = await api.createSession({ durationMinutes: 30 });
    expect(session.id).toBe('s1');
    const [path, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit];
    expect(path).toBe('/api/v1/sessions');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(init.body).toBe('{"durationMinutes":30}');
  });

  it('throws the problem and signs out on 401', async () => {
    const signOut = vi.fn();
    const api = new Api(() => 'old', signOut, respond(401, '{"detail":"The bearer token is invalid or has expired"}'));
    const error = await api.sessions().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('The bearer token is invalid or has expired');
    expect(signOut).toHaveBeenCalledOnce();
  });

  it('asks for bytes when downloading, and a problem when that fails', async () => {
    const fetcher = vi.fn(async () => new Response('abc', { status: 200 }));
    const response = await new Api(() => 't', () => {}, fetcher).download('s', null, '/workspace/a b.txt');
    expect(await response.text()).toBe('abc');
    const [path, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit];
    expect(path).toBe('/api/v1/sessions/s/files?path=%2Fworkspace%2Fa%20b.txt');
    expect((init.headers as Record<string, string>).Accept).toBe('application/octet-stream, application/problem+json');
  });

  it('reads a file listing as an array or wrapped in entries', async () => {
    const entry = { name: 'a.txt', type: 'file', size: 3, mode: '0644', modifiedAt: null };
    const plain = new Api(() => 't', () => {}, respond(200, JSON.stringify([entry]), 'application/json'));
    const wrapped = new Api(() => 't', () => {}, respond(200, JSON.stringify({ path: '/w', entries: [entry] }),
      'application/json'));
    expect(await plain.listFiles('s', null, '/w')).toEqual([entry]);
    expect(await wrapped.listFiles('s', null, '/w')).toEqual([entry]);
  });

  it('names the container a call reaches only when one is chosen', async () => {
    const fetcher = vi.fn(async () => new Response('{}', { status: 200 }));
    const api = new Api(() => 't', () => {}, fetcher);
    await api.openTerminal('s', 'api', 80, 24);
    await api.openTerminal('s', null, 80, 24);
    await api.deleteFile('s', 'web app', '/tmp/x');
    const paths = fetcher.mock.calls.map((call) => (call as unknown as [string])[0]);
    expect(paths).toEqual(['/api/v1/sessions/s/terminals?container=api', '/api/v1/sessions/s/terminals',
      '/api/v1/sessions/s/files?path=%2Ftmp%2Fx&container=web%20app']);
  });
});
