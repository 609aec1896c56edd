import { describe, expect, it } from 'vitest';
import type { Session } from '../api/types';
import { SessionStore } from './store';

function memory(): Storage {
  const items = new Map<string, string>();
  return {
    get length() { return items.size; },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => { items.delete(key); },
    setItem: (key, value) => { items.set(key, value); },
  };
}

function session(id: string, containers: string[]): Session {
  return {
    id, owner: 'alice', projectId: null, template: 'todo-stack', image: 'berth/todo:latest', status: 'RUNNING',
    statusReason: null, terminationReason: null, nodeId: 'n1', ports: [3000], version: 1,
    containers: containers.map((name) => ({ name, image: 'berth/todo:latest' })),
    createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-01-01T10:00:00Z', expiresAt: '2026-01-01T11:00:00Z',
    remainingSeconds: 3600, runningAt: null, endedAt: null,
  };
}

describe('the chosen container', () => {
  it('is one of the selected session\'s, and none (its first) otherwise', () => {
    const store = new SessionStore(memory());
    store.snapshot([session('a', ['db', 'api', 'web']), session('b', ['workspace'])]);
    store.select('a');
    expect(store.selectedContainer).toBeNull();
    store.selectContainer('api');
    expect(store.selectedContainer).toBe('api');
    store.selectContainer('db');
    expect(store.selectedContainer).toBeNull();
    store.selectContainer('nope');
    expect(store.selectedContainer).toBeNull();
  });

  it('goes back to the first when another session is selected', () => {
    const store = new SessionStore(memory());
    store.snapshot([session('a', ['db', 'api']), session('b', ['db', 'api'])]);
    store.select('a');
    store.selectContainer('api');
    let heard = 0;
    store.subscribe(() => heard++);
    store.select('b');
    expect(store.selectedContainer).toBeNull();
    expect(heard).toBe(1);
  });
});
