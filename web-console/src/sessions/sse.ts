/** One server-sent event. */
export interface ServerEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Reads the text/event-stream format incrementally: feed it chunks as they arrive, get whole events back.
 * Comments are skipped; `id` is remembered across events as the format says.
 */
export class EventStreamParser {
  private buffer = '';
  private lastId: string | null = null;
  private eventName = '';
  private data: string[] = [];

  get lastEventId(): string | null {
    return this.lastId;
  }

  feed(chunk: string): ServerEvent[] {
    this.buffer += chunk;
    const events: ServerEvent[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      if (width === 1 && this.buffer[newline] === '\r' && newline === this.buffer.length - 1) {
        break; // a CR at the very end may be the first half of a CRLF
      }
      this.buffer = this.buffer.slice(newline + width);
      const event = this.line(line);
      if (event) {
        events.push(event);
      }
    }
    return events;
  }

  private line(line: string): ServerEvent | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.eventName = '';
        return null;
      }
      const event = { id: this.lastId, event: this.eventName || 'message', data: this.data.join('\n') };
      this.eventName = '';
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) {
      return null;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'data') {
      this.data.push(value);
    } else if (field === 'event') {
      this.eventName = value;
    } else if (field === 'id' && !value.includes('\0')) {
      this.lastId = value;
    }
    return null;
  }
}
