import { describe, expect, it } from 'vitest';
import { afterClose, parseControl, reconnectDelay, resizeMessage } from './protocol';
import { RememberedTerminals } from './remembered';

describe('terminal control messages', () => {
  it('writes resize messages within the allowed sizes', () => {
    expect(JSON.parse(resizeMessage(120, 40))).toEqual({ type: 'resize', cols: 120, rows: 40 });
    expect(JSON.parse(resizeMessage(0, 5000.7))).toEqual({ type: 'resize', cols: 1, rows: 1000 });
  });

  it('reads exit and error messages and ignores the rest', () => {
    expect(parseControl('{"type":"exit","code":130}')).toEqual({ type: 'exit', code: 130 });
    expect(parseControl('{"type":"exit"}')).toEqual({ type: 'exit', code: null });
    expect(parseControl('{"type":"error","detail":"cols must be a number"}'))
      .toEqual({ type: 'error', message: 'cols must be a number' });
    expect(parseControl('{"type":"hello"}')).toEqual({ type: 'unknown' });
    expect(parseControl('not json')).toEqual({ type: 'unknown' });
  });

  it('reconnects after a drop or a spent ticket, not after a refusal', () => {
    expect(afterClose(1006, '').reconnect).toBe(true);
    expect(afterClose(4401, 'ticket spent').reconnect).toBe(true);
    expect(afterClose(4408, '').reconnect).toBe(true);
    expect(afterClose(1000, '').reconnect).toBe(false);
    expect(afterClose(4404, 'no such terminal')).toEqual({ reconnect: false,
      message: 'This terminal no longer exists: no such terminal' });
    expect(afterClose(4409, '').reconnect).toBe(false);
    expect(afterClose(4403, '').message).toMatch(/\(403\)/);
  });

  it('waits longer after each failed reconnect, up to 10 s', () => {
    expect([1, 2, 3, 10].map(reconnectDelay)).toEqual([500, 1000, 2000, 10_000]);
  });
});

class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number { return this.items.size; }
  clear(): void { this.items.clear(); }
  getItem(key: string): string | null { return this.items.get(key) ?? null; }
  key(index: number): string | null { return [...this.items.keys()][index] ?? null; }
  removeItem(key: string): void { this.items.delete(key); }
  setItem(key: string, value: string): void { this.items.set(key, value); }
}

describe('remembered terminals', () => {
  it('keeps the terminal ids of each session in the tab storage', () => {
    const storage = new MemoryStorage();
    const remembered = new RememberedTerminals(storage);
    remembered.add('s1', 't1');
    remembered.add('s1', 't2');
    remembered.add('s1', 't1');
    remembered.add('s2', 't3');
    expect(remembered.list('s1')).toEqual(['t1', 't2']);
    remembered.remove('s1', 't1');
    remembered.remove('s2', 't3');
    expect(new RememberedTerminals(storage).list('s1')).toEqual(['t2']);
    expect(storage.getItem('berth.terminals.s2')).toBeNull();
  });

  it('survives garbage in the storage', () => {
    const storage = new MemoryStorage();
    storage.setItem('berth.terminals.s1', '{broken');
    expect(new RememberedTerminals(storage).list('s1')).toEqual([]);
  });
});
