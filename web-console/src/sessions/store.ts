import type { Session } from '../api/types';
import { applyEvent, applySnapshot, EMPTY, type SessionsState } from './state';

const SELECTED = 'berth.selected';

/**
 * The sessions the page knows, the selected one and which of its containers the panels reach, and who wants to
 * hear about changes.
 */
export class SessionStore {
  private state: SessionsState = EMPTY;
  private selectedId: string | null;
  private container: string | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: Storage) {
    this.selectedId = storage.getItem(SELECTED);
  }

  get current(): SessionsState {
    return this.state;
  }

  get selected(): Session | null {
    return this.selectedId ? this.state.sessions.get(this.selectedId) ?? null : null;
  }

  get selectedSessionId(): string | null {
    return this.selectedId;
  }

  /** The selected session's container that terminals, files and logs reach; null for its first. */
  get selectedContainer(): string | null {
    const names = this.selected?.containers?.map((container) => container.name) ?? [];
    return this.container && names.includes(this.container) && names[0] !== this.container ? this.container : null;
  }

  selectContainer(name: string | null): void {
    this.container = name;
    this.changed();
  }

  select(id: string | null): void {
    if (id !== this.selectedId) {
      this.container = null;
    }
    this.selectedId = id;
    if (id) {
      this.storage.setItem(SELECTED, id);
    } else {
      this.storage.removeItem(SELECTED);
    }
    this.changed();
  }

  snapshot(sessions: Session[]): void {
    this.set(applySnapshot(this.state, sessions));
  }

  event(name: string, session: Session, eventId: number): void {
    this.set(applyEvent(this.state, name, session, eventId));
  }

  /** A session as an API call answered it (create, delete, stop, ...). */
  answer(session: Session): void {
    this.set(applySnapshot(this.state, [session]));
  }

  subscribe(listener: () => void): void {
    this.listeners.add(listener);
  }

  private set(state: SessionsState): void {
    if (state !== this.state) {
      this.state = state;
      this.changed();
    }
  }

  private changed(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }
}
