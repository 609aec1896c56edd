import type { Api } from '../api/client';
import { describe } from '../api/problem';
import type { Session } from '../api/types';
import { badge, h, replace } from '../ui/dom';
import { Notice } from '../ui/notice';
import { clock, formatRemaining, secondsUntil } from '../ui/time';
import { isLive } from './state';
import type { SessionStore } from './store';

/** The selected session: what it is, how long it has left, and what can be done with it. */
export class SessionBar {
  readonly element = h('section', { class: 'session-bar', 'aria-label': 'Selected session' });
  private readonly notice = new Notice();
  private shownKey = '';
  private shownId: string | null = null;

  constructor(private readonly api: Api, private readonly store: SessionStore) {
    store.subscribe(() => this.render());
    this.render();
  }

  private render(): void {
    const session = this.store.selected;
    const container = this.store.selectedContainer;
    const key = session ? `${session.id}:${session.status}:${session.updatedAt}:${session.expiresAt}:${container}`
      : '';
    if (key === this.shownKey) {
      return;
    }
    this.shownKey = key;
    if ((session?.id ?? null) !== this.shownId) {
      this.shownId = session?.id ?? null;
      this.notice.clear(); // what was said of another session
    }
    if (!session) {
      replace(this.element, h('p', { class: 'hint' }, 'Select a session on the left, or create one.'));
      return;
    }
    const live = isLive(session);
    const containers = session.containers ?? [];
    const chooser = containers.length > 1 ? h('label', { class: 'group' }, 'Container ',
      h('select', { 'aria-label': 'Container', title: 'The container that terminals, files and logs reach',
        onchange: (event) => this.store.selectContainer((event.target as HTMLSelectElement).value) },
      ...containers.map((c, i) => h('option', { value: c.name, title: c.image,
        selected: container ? c.name === container : i === 0 }, c.name)))) : null;
    const extend = h('select', { 'aria-label': 'Extend the lease by' },
      ...[15, 30, 60, 120].map((m) => h('option', { value: m, selected: m === 30 }, `+${m} min`)));
    replace(this.element,
      h('div', { class: 'bar-title' },
        h('h2', {}, badge(session.status), ' ', h('code', { title: session.id }, session.id)),
        h('p', { class: 'bar-meta' },
          [session.image, session.projectId ? `project ${session.projectId}` : null, session.nodeId
            ? `node ${session.nodeId}` : null, `owner ${session.owner}`].filter(Boolean).join(' · '),
          live && session.expiresAt ? h('span', {}, ' · lease until ', clock(session.expiresAt), ' (',
            h('span', { 'data-expires': session.expiresAt }, formatRemaining(secondsUntil(session.expiresAt,
              Date.now()))), ' left)') : null),
        session.status === 'FAILED' && session.statusReason
          ? h('p', { class: 'bar-reason', role: 'alert' }, session.statusReason) : null),
      h('div', { class: 'bar-actions' },
        chooser,
        live ? h('span', { class: 'group' }, extend,
          h('button', { type: 'button', onclick: () => void this.act(`Lease extended`, async () => {
            const answer = await this.api.extendLease(session.id, Number(extend.value));
            return answer.capped ? `Lease extended to ${clock(answer.expiresAt)}, the most this session may live`
              : `Lease extended to ${clock(answer.expiresAt)}`;
          }) }, 'Extend')) : null,
        session.status === 'RUNNING' ? h('button', { type: 'button', onclick: () => void this.act('Stopping',
          async () => this.answer(await this.api.stop(session.id), 'Stopping: the files are kept')) }, 'Stop')
          : null,
        session.status === 'STOPPED' ? h('button', { type: 'button', onclick: () => void this.act('Starting',
          async () => this.answer(await this.api.start(session.id), 'Starting')) }, 'Start') : null,
        live ? h('button', { type: 'button', class: 'danger', onclick: () => void this.act('Deleting',
          async () => this.answer(await this.api.deleteSession(session.id), 'Ending the session')) }, 'Delete')
          : null,
        this.notice.element));
  }

  private answer(session: Session, text: string): string {
    this.store.answer(session);
    return text;
  }

  private async act(pending: string, action: () => Promise<string>): Promise<void> {
    this.notice.show(`${pending}…`);
    try {
      this.notice.show(await action(), 'success');
    } catch (error) {
      this.notice.show(describe(error), 'error');
    }
  }
}
