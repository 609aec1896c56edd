import { describe, expect, it } from 'vitest';
import type { Session } from '../api/types';
import { applyEvent, applySnapshot, EMPTY, projects, visible } from './state';

function session(overrides: Partial<Session>): Session {
  return {
    id: 's1', owner: 'alice', projectId: 'demo', template: 'node', image: 'berth/workspace:latest',
    status: 'REQUESTED', statusReason: null, terminationReason: null, nodeId: null, ports: [3000], version: 1,
    createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-01-01T10:00:00Z', expiresAt: '2026-01-01T11:00:00Z',
    remainingSeconds: 3600, runningAt: null, endedAt: null, ...overrides,
  };
}

describe('session events', () => {
  it('follows a session through its life, one timeline entry per change', () => {
    let state = applyEvent(EMPTY, 'session', session({}));
    state = applyEvent(state, 'session', session({ status: 'PROVISIONING', version: 2, nodeId: 'n1' }));
    state = applyEvent(state, 'session', session({ status: 'RUNNING', version: 3, nodeId: 'n1' }));
    state = applyEvent(state, 'session', session({ status: 'FAILED', version: 4, statusReason: 'image missing' }));
    expect(state.sessions.get('s1')?.status).toBe('FAILED');
    expect(state.timelines.get('s1')?.map((e) => e.text)).toEqual([
      'Requested: berth/workspace:latest, project demo',
      'Provisioning on node n1',
      'Running on node n1',
      'Failed: image missing',
    ]);
    expect(state.timelines.get('s1')?.[3]?.kind).toBe('error');
  });

  it('ignores duplicates and older versions', () => {
    let state = applyEvent(EMPTY, 'session', session({ status: 'RUNNING', version: 3 }));
    state = applyEvent(state, 'session', session({ status: 'PROVISIONING', version: 2 }));
    state = applyEvent(state, 'session', session({ status: 'RUNNING', version: 3 }));
    expect(state.sessions.get('s1')?.status).toBe('RUNNING');
    expect(state.timelines.get('s1')).toHaveLength(1);
  });

  it('keeps a listed newer version, but still tells replayed history in the timeline', () => {
    let state = applySnapshot(EMPTY, [session({ status: 'RUNNING', version: 3, runningAt: '2026-01-01T10:00:02Z' })]);
    expect(state.timelines.get('s1')?.map((e) => e.text)).toEqual(['Requested: berth/workspace:latest', 'Running']);
    state = applyEvent(state, 'session', session({ version: 1 }));
    state = applyEvent(state, 'session', session({ status: 'PROVISIONING', version: 2 }));
    expect(state.sessions.get('s1')?.status).toBe('RUNNING');
    expect(state.timelines.get('s1')?.map((e) => e.text)).toEqual([
      'Requested: berth/workspace:latest, project demo',
      'Provisioning',
    ]);
  });

  it('tells lease extensions, expiry warnings and why a session ended', () => {
    let state = applyEvent(EMPTY, 'session', session({ status: 'RUNNING', version: 3 }));
    state = applyEvent(state, 'session', session({ status: 'RUNNING', version: 4, expiresAt: '2026-01-01T11:30:00Z' }));
    state = applyEvent(state, 'expiring', session({ status: 'RUNNING', version: 4, remainingSeconds: 299 }));
    state = applyEvent(state, 'session', session({ status: 'TERMINATED', version: 6, terminationReason: 'EXPIRED' }));
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
