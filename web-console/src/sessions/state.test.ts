import { describe, expect, it } from 'vitest';
import type { Session } from '../api/types';
import { applyEvent, applySnapshot, EMPTY, isOlder, projects, visible } from './state';

function session(overrides: Partial<Session>): Session {
  return {
    id: 's1', owner: 'alice', projectId: 'demo', template: 'node', image: 'berth/workspace:latest',
    status: 'REQUESTED', statusReason: null, terminationReason: null, nodeId: null, ports: [3000], version: 1,
    createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-01-01T10:00:00Z', expiresAt: '2026-01-01T11:00:00Z',
    remainingSeconds: 3600, runningAt: null, endedAt: null, ...overrides,
  };
}

describe('session events', () => {
  const at = (seconds: number) => `2026-01-01T10:00:${String(seconds).padStart(2, '0')}Z`;

  it('follows a session through its life, one timeline entry per change', () => {
    let state = applyEvent(EMPTY, 'session', session({}), 1);
    state = applyEvent(state, 'session', session({ status: 'PROVISIONING', updatedAt: at(1), nodeId: 'n1' }), 2);
    state = applyEvent(state, 'session', session({ status: 'RUNNING', updatedAt: at(2), nodeId: 'n1' }), 3);
    state = applyEvent(state, 'session', session({ status: 'FAILED', updatedAt: at(3), statusReason: 'image missing' }),
      4);
    expect(state.sessions.get('s1')?.status).toBe('FAILED');
    expect(state.timelines.get('s1')?.map((e) => e.text)).toEqual([
      'Requested: berth/workspace:latest, project demo',
      'Provisioning on node n1',
      'Running on node n1',
      'Failed: image missing',
    ]);
    expect(state.timelines.get('s1')?.[3]?.kind).toBe('error');
  });

  it('ignores events it has seen and states older than the one it knows', () => {
    let state = applyEvent(EMPTY, 'session', session({ status: 'RUNNING', updatedAt: at(2) }), 3);
    state = applyEvent(state, 'session', session({ status: 'RUNNING', updatedAt: at(2) }), 3);
    expect(state.timelines.get('s1')).toHaveLength(1);
    state = applySnapshot(state, [session({ status: 'PROVISIONING', updatedAt: at(1) })]);
    expect(state.sessions.get('s1')?.status).toBe('RUNNING');
  });

  it('keeps a listed newer state, but still tells replayed history in the timeline', () => {
    const running = session({ status: 'RUNNING', updatedAt: at(2), runningAt: at(2) });
    let state = applySnapshot(EMPTY, [running]);
    expect(state.timelines.get('s1')?.map((e) => e.text)).toEqual(['Requested: berth/workspace:latest', 'Running']);
    state = applyEvent(state, 'session', session({}), 1);
    state = applyEvent(state, 'session', session({ status: 'PROVISIONING', updatedAt: at(1) }), 2);
    expect(state.sessions.get('s1')?.status).toBe('RUNNING');
    expect(state.timelines.get('s1')?.map((e) => e.text)).toEqual([
      'Requested: berth/workspace:latest, project demo',
      'Provisioning',
    ]);
  });

  it('takes a higher version as newer whatever its time', () => {
    expect(isOlder(session({ version: 1, updatedAt: at(9) }), session({ version: 2, updatedAt: at(1) }))).toBe(true);
    expect(isOlder(session({ version: 2, updatedAt: at(1) }), session({ version: 2, updatedAt: at(1) }))).toBe(false);
  });

  it('tells lease extensions, expiry warnings and why a session ended', () => {
    let state = applyEvent(EMPTY, 'session', session({ status: 'RUNNING', updatedAt: at(2) }), 3);
    state = applyEvent(state, 'session', session({ status: 'RUNNING', version: 2, updatedAt: at(3),
      expiresAt: '2026-01-01T11:30:00Z' }), 4);
    state = applyEvent(state, 'expiring', session({ status: 'RUNNING', version: 2, remainingSeconds: 299 }), 5);
    state = applyEvent(state, 'session', session({ status: 'TERMINATED', version: 3, updatedAt: at(9),
      terminationReason: 'EXPIRED' }), 6);
    const entries = state.timelines.get('s1') ?? [];
    expect(entries[1]?.text).toMatch(/^Lease extended to /);
    expect(entries[2]?.kind).toBe('warning');
    expect(entries[2]?.text).toMatch(/in about 5 min/);
    expect(entries[3]?.text).toBe('Terminated as its lease ran out');
  });
});

describe('filters', () => {
  const state = applySnapshot(EMPTY, [
    session({ id: 'a', projectId: 'web', status: 'RUNNING', createdAt: '2026-01-01T10:00:00Z' }),
    session({ id: 'b', projectId: 'api', status: 'TERMINATED', createdAt: '2026-01-01T11:00:00Z' }),
    session({ id: 'c', projectId: null, status: 'STOPPED', createdAt: '2026-01-01T12:00:00Z' }),
  ]);

  it('filters by status and project, newest first', () => {
    expect(visible(state, { status: '', project: '' }).map((s) => s.id)).toEqual(['c', 'b', 'a']);
    expect(visible(state, { status: 'LIVE', project: '' }).map((s) => s.id)).toEqual(['c', 'a']);
    expect(visible(state, { status: 'TERMINATED', project: '' }).map((s) => s.id)).toEqual(['b']);
    expect(visible(state, { status: '', project: 'web' }).map((s) => s.id)).toEqual(['a']);
  });

  it('lists the projects', () => {
    expect(projects(state)).toEqual(['api', 'web']);
  });
});
