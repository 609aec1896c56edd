import { describe, expect, it } from 'vitest';
import { EventStreamParser } from './sse';

describe('EventStreamParser', () => {
  it('reads events split across chunks, with ids and names', () => {
    const parser = new EventStreamParser();
    expect(parser.feed(':connected\n\nid:7\nevent:sess')).toEqual([]);
    expect(parser.feed('ion\ndata:{"a":1}\n')).toEqual([]);
    expect(parser.feed('\nid: 8\nevent: expiring\ndata: {"b":2}\n\n')).toEqual([
      { id: '7', event: 'session', data: '{"a":1}' },
      { id: '8', event: 'expiring', data: '{"b":2}' },
    ]);
    expect(parser.lastEventId).toBe('8');
  });

  it('joins data lines, accepts CRLF and defaults the name to message', () => {
    const parser = new EventStreamParser();
    expect(parser.feed('data: one\r\ndata: two\r')).toEqual([]);
    expect(parser.feed('\n\r\n')).toEqual([{ id: null, event: 'message', data: 'one\ntwo' }]);
  });

  it('skips keepalive comments and empty events', () => {
    const parser = new EventStreamParser();
    expect(parser.feed(':keepalive\n\n\nevent: session\n\n')).toEqual([]);
  });
});
