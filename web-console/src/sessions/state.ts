import { LIVE_STATUSES, type Session } from '../api/types';
import { clock } from '../ui/time';

export type EntryKind = 'info' | 'success' | 'warning' | 'error';

/** One line of a session's timeline in the messages panel. */
export interface TimelineEntry {
  key: string;
  at: string;
  kind: EntryKind;
  text: string;
  /** Made from a listing's timestamps, until the event stream tells the real story. */
  synthetic?: boolean;
}

export interface SessionsState {
  /** The newest version known of each session. */
  sessions: ReadonlyMap<string, Session>;
  timelines: ReadonlyMap<string, readonly TimelineEntry[]>;
  /** The last event of each session seen on the event stream, to tell what changed. */
  streamed: ReadonlyMap<string, Streamed>;
}

interface Streamed {
  eventId: number;
  session: Session;
}

export const EMPTY: SessionsState = { sessions: new Map(), timelines: new Map(), streamed: new Map() };

export interface Filter {
  status: string;
  project: string;
}

/** A listing: newer versions win; a session the list no longer has is kept (the stream may know more). */
export function applySnapshot(state: SessionsState, sessions: readonly Session[]): SessionsState {
  let next = state;
  for (const session of sessions) {
    const known = next.sessions.get(session.id);
    if (!known || !isOlder(session, known)) {
      next = withSession(next, session);
      if (!next.timelines.has(session.id)) {
        next = withTimeline(next, session.id, history(session));
      }
    }
  }
  return next;
}

/**
 * Whether `a` is an older state of the session than `b`. A session's `version` counts the commands sent for it
 * and stays the same while the provisioner moves it along, so the time of the change tells apart the rest.
 */
export function isOlder(a: Session, b: Session): boolean {
  if (a.version !== b.version) {
    return a.version < b.version;
  }
  return Date.parse(a.updatedAt ?? a.createdAt) < Date.parse(b.updatedAt ?? b.createdAt);
}

/**
 * One event of `/api/v1/sessions/events` with its id: `session` (a change) or `expiring` (a warning). Replayed
 * events older than what a listing showed still go into the timeline; only newer ones change the session.
 */
export function applyEvent(state: SessionsState, name: string, session: Session, eventId: number): SessionsState {
  if (name === 'expiring') {
    const left = Math.max(1, Math.round(session.remainingSeconds / 60));
    return append(state, session.id, {
      key: `expiring:${session.expiresAt}`,
      at: new Date().toISOString(),
      kind: 'warning',
      text: `The lease ends at ${clock(session.expiresAt)}, in about ${left} min: extend it to keep the session`,
    });
  }
  const base = state.streamed.get(session.id);
  if (name !== 'session' || (base && base.eventId >= eventId)) {
    return state;
  }
  const streamed = new Map(state.streamed);
  streamed.set(session.id, { eventId, session });
  let next: SessionsState = { ...state, streamed };
  const known = next.sessions.get(session.id);
  if (!known || !isOlder(session, known)) {
    next = withSession(next, session);
  }
  if (next.timelines.get(session.id)?.some((e) => e.synthetic)) {
    next = withTimeline(next, session.id, []);
  }
  const entry = describeChange(base?.session, session, `event:${eventId}`);
  return entry ? append(next, session.id, entry) : next;
}

/** What changed between two versions of a session, as a timeline entry, or null when nothing worth telling. */
export function describeChange(before: Session | undefined, after: Session, key: string): TimelineEntry | null {
  const at = after.updatedAt ?? after.createdAt;
  if (before && before.status === after.status) {
    if (before.expiresAt !== after.expiresAt && after.expiresAt) {
      return { key: `lease:${after.expiresAt}`, at, kind: 'info', text: `Lease extended to ${clock(after.expiresAt)}` };
    }
    return null;
  }
  switch (after.status) {
    case 'REQUESTED':
      return { key, at, kind: 'info', text: `Requested: ${after.image}${after.projectId ? `, project ${after.projectId}` : ''}` };
    case 'PROVISIONING':
      return { key, at, kind: 'info', text: `Provisioning${after.nodeId ? ` on node ${after.nodeId}` : ''}` };
    case 'RUNNING':
      return { key, at, kind: 'success', text: before?.status === 'STOPPED' ? 'Running again' : `Running${after.nodeId ? ` on node ${after.nodeId}` : ''}` };
    case 'STOPPED':
      return { key, at, kind: 'info', text: `Stopped; its files are kept${after.statusReason ? ` (${after.statusReason})` : ''}` };
    case 'TERMINATING':
      return { key, at, kind: 'info', text: `Terminating${reason(after)}` };
    case 'TERMINATED':
      return { key, at, kind: 'info', text: `Terminated${reason(after)}` };
    case 'FAILED':
      return { key, at, kind: 'error', text: `Failed: ${after.statusReason ?? 'no reason given'}` };
  }
}

function reason(session: Session): string {
  const why: Record<string, string> = {
    USER: 'by its owner',
    EXPIRED: 'as its lease ran out',
    IDLE: 'after being idle',
    ADMIN: 'by an admin',
    ORPHANED: 'as its container was lost',
  };
  const code = session.terminationReason;
  return code ? ` ${why[code] ?? `(${code})`}` : '';
}

/** A timeline for a session first seen in a listing, from the times it records. */
function history(session: Session): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    { key: 'created', at: session.createdAt, kind: 'info', text: `Requested: ${session.image}` },
  ];
  if (session.runningAt) {
    entries.push({ key: 'running-at', at: session.runningAt, kind: 'success', text: 'Running' });
  }
  const now = describeChange(undefined, session, 'now');
  if (now && session.status !== 'REQUESTED' && session.status !== 'RUNNING') {
    entries.push(now);
  }
  return entries.map((entry) => ({ ...entry, synthetic: true }));
}

function withSession(state: SessionsState, session: Session): SessionsState {
  const sessions = new Map(state.sessions);
  sessions.set(session.id, session);
  return { ...state, sessions };
}

function withTimeline(state: SessionsState, id: string, entries: TimelineEntry[]): SessionsState {
  const timelines = new Map(state.timelines);
  timelines.set(id, entries);
  return { ...state, timelines };
}

function append(state: SessionsState, id: string, entry: TimelineEntry): SessionsState {
  const entries = state.timelines.get(id) ?? [];
  if (entries.some((e) => e.key === entry.key)) {
    return state;
  }
  return withTimeline(state, id, [...entries, entry]);
}

/** The sessions a filter lets through, newest first. */
export function visible(state: SessionsState, filter: Filter): Session[] {
  return [...state.sessions.values()]
    .filter((s) => matchesStatus(s, filter.status) && (!filter.project || s.projectId === filter.project))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

function matchesStatus(session: Session, status: string): boolean {
  if (status === 'LIVE') {
    return isLive(session);
  }
  return !status || session.status === status;
}

export function isLive(session: Session): boolean {
  return LIVE_STATUSES.includes(session.status);
}

/** Projects of the known sessions, for the filter. */
export function projects(state: SessionsState): string[] {
  const names = new Set<string>();
  for (const session of state.sessions.values()) {
    if (session.projectId) {
      names.add(session.projectId);
    }
  }
  return [...names].sort();
}
