import { errorFor } from '../api/problem';
import { EventStreamParser, type ServerEvent } from './sse';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface EventStreamOptions {
  url: string;
  headers: () => Record<string, string>;
  onEvent: (event: ServerEvent) => void;
  onState: (state: StreamState, detail?: string) => void;
  /** Called instead of reconnecting when the server says the token is no good. */
  onUnauthorized: () => void;
  /** Where to start: `0` replays everything the server still keeps. */
  lastEventId?: string;
}

/**
 * A server-sent event stream read with fetch, so that it can carry the bearer token. It reconnects after a drop
 * with `Last-Event-ID`, so the server sends what was missed, waiting a little longer after each failure.
 */
export class EventStream {
  private lastEventId: string | null;
  private abort: AbortController | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: EventStreamOptions) {
    this.lastEventId = options.lastEventId ?? null;
  }

  start(): void {
    void this.connect();
  }

  close(): void {
    this.closed = true;
    this.abort?.abort();
    if (this.retry) {
      clearTimeout(this.retry);
    }
    this.options.onState('closed');
  }

  private async connect(): Promise<void> {
    this.options.onState(this.failures === 0 ? 'connecting' : 'reconnecting');
    this.abort = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...this.options.headers() };
    if (this.lastEventId !== null) {
      headers['Last-Event-ID'] = this.lastEventId;
    }
    let detail = 'The event stream ended';
    try {
      const response = await fetch(this.options.url, { headers, signal: this.abort.signal, cache: 'no-store' });
      if (response.status === 401) {
        this.options.onUnauthorized();
        return;
      }
      if (!response.ok || !response.body) {
        throw errorFor(response.status, await response.text(), response.headers.get('Content-Type'));
      }
      const parser = new EventStreamParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      this.options.onState('live');
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        this.failures = 0;
        for (const event of parser.feed(value)) {
          if (event.id !== null) {
            this.lastEventId = event.id;
          }
          try {
            this.options.onEvent(event);
          } catch (error) {
            reportError(error); // a failing listener is a bug of the page, not a reason to reconnect
          }
        }
      }
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
    }
    if (!this.closed) {
      this.failures++;
      const delay = Math.min(1000 * 2 ** (this.failures - 1), 10_000);
      this.options.onState('reconnecting', detail);
      this.retry = setTimeout(() => void this.connect(), delay);
    }
  }
}
