import { ApiError, errorFor } from './problem';
import type {
  FileEntry,
  Images,
  LeaseExtension,
  OpenedTerminal,
  PreviewLink,
  Session,
  SessionPage,
  Template,
  TerminalInfo,
  Ticket,
} from './types';

/** Gives the bearer token of the signed-in person, or null. */
export type TokenSource = () => string | null;

/** Berth's REST API, as the signed-in person. */
export class Api {
  constructor(
    private readonly token: TokenSource,
    private readonly onUnauthorized: () => void = () => {},
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  authorization(): Record<string, string> {
    const token = this.token();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  /** One call; JSON in and out. Throws {@link ApiError} with the problem's detail when refused. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** One call whose answer is read by the caller (a download, say). */
  async send(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept, ...this.authorization() };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await this.fetcher(path, init);
    if (!response.ok) {
      throw await failure(response, this.onUnauthorized);
    }
    return response;
  }

  sessions(): Promise<SessionPage> {
    return this.request('GET', '/api/v1/sessions?size=100');
  }

  createSession(request: { template?: string; image?: string; durationMinutes?: number; projectId?: string }):
    Promise<Session> {
    return this.request('POST', '/api/v1/sessions', request);
  }

  deleteSession(id: string): Promise<Session> {
    return this.request('DELETE', `/api/v1/sessions/${id}`);
  }

  deleteAllSessions(): Promise<{ count: number }> {
    return this.request('DELETE', '/api/v1/sessions');
  }

  extendLease(id: string, extendMinutes: number): Promise<LeaseExtension> {
    return this.request('POST', `/api/v1/sessions/${id}/lease`, { extendMinutes });
  }

  stop(id: string): Promise<Session> {
    return this.request('POST', `/api/v1/sessions/${id}/stop`);
  }

  start(id: string): Promise<Session> {
    return this.request('POST', `/api/v1/sessions/${id}/start`);
  }

  images(): Promise<Images> {
    return this.request('GET', '/api/v1/images');
  }

  templates(): Promise<Template[]> {
    return this.request('GET', '/api/v1/templates');
  }

  terminals(sessionId: string): Promise<TerminalInfo[]> {
    return this.request('GET', `/api/v1/sessions/${sessionId}/terminals`);
  }

  openTerminal(sessionId: string, container: string | null, cols: number, rows: number): Promise<OpenedTerminal> {
    return this.request('POST', `/api/v1/sessions/${sessionId}/terminals${inContainer(container, '?')}`,
      { cols, rows });
  }

  terminalTicket(sessionId: string, terminalId: string): Promise<Ticket> {
    return this.request('POST', `/api/v1/sessions/${sessionId}/terminals/${terminalId}/ticket`);
  }

  closeTerminal(sessionId: string, terminalId: string): Promise<void> {
    return this.request('DELETE', `/api/v1/sessions/${sessionId}/terminals/${terminalId}`);
  }

  logsTicket(sessionId: string): Promise<Ticket> {
    return this.request('POST', `/api/v1/sessions/${sessionId}/logs/ticket`);
  }

  previewTicket(sessionId: string, port: number): Promise<PreviewLink> {
    return this.request('POST', `/api/v1/sessions/${sessionId}/previews/${port}/ticket`);
  }

  async listFiles(sessionId: string, container: string | null, path: string): Promise<FileEntry[]> {
    const answer = await this.request<FileEntry[] | { entries: FileEntry[] }>('GET',
      `/api/v1/sessions/${sessionId}/files/list?path=${encodeURIComponent(path)}${inContainer(container)}`);
    return Array.isArray(answer) ? answer : answer.entries;
  }

  download(sessionId: string, container: string | null, path: string): Promise<Response> {
    return this.send('GET',
      `/api/v1/sessions/${sessionId}/files?path=${encodeURIComponent(path)}${inContainer(container)}`, undefined,
      'application/octet-stream, application/problem+json');
  }

  deleteFile(sessionId: string, container: string | null, path: string): Promise<void> {
    return this.request('DELETE',
      `/api/v1/sessions/${sessionId}/files?path=${encodeURIComponent(path)}${inContainer(container)}`);
  }
}

/**
 * The query parameter that names the session's container a call reaches; nothing for its first container.
 *
 * @param separator what joins it to the address: `&` after other parameters, `?` when it is the first
 */
export function inContainer(container: string | null, separator: '&' | '?' = '&'): string {
  return container ? `${separator}container=${encodeURIComponent(container)}` : '';
}

async function failure(response: Response, onUnauthorized: () => void): Promise<ApiError> {
  if (response.status === 401) {
    onUnauthorized();
  }
  const body = await response.text().catch(() => '');
  return errorFor(response.status, body, response.headers.get('Content-Type'));
}
