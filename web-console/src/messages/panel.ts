import type { TimelineEntry } from '../sessions/state';
import type { SessionStore } from '../sessions/store';
import { h, replace } from '../ui/dom';
import { clock } from '../ui/time';

const ICONS: Record<TimelineEntry['kind'], string> = { info: '•', success: '✓', warning: '!', error: '✕' };

/** What happened to the selected session, oldest first, as the event stream told it. */
export class MessagesPanel {
  readonly element = h('div', { class: 'messages' });
  private readonly list = h('ol', { class: 'timeline', 'aria-live': 'polite', 'aria-label': 'Session timeline' });
  private shown: readonly TimelineEntry[] | null = null;

  constructor(private readonly store: SessionStore) {
    this.element.append(this.list);
    store.subscribe(() => this.render());
    this.render();
  }

  private render(): void {
    const id = this.store.selectedSessionId;
    const entries = id ? this.store.current.timelines.get(id) ?? [] : [];
    if (entries === this.shown) {
      return;
    }
    this.shown = entries;
    if (!id) {
      replace(this.list, h('li', { class: 'hint' }, 'The selected session’s events appear here.'));
      return;
    }
    replace(this.list, ...entries.map((entry) => h('li', { class: `entry entry-${entry.kind}` },
      h('span', { class: 'entry-icon', 'aria-hidden': 'true' }, ICONS[entry.kind]),
      h('time', { datetime: entry.at }, clock(entry.at)),
      h('span', { class: 'entry-text' }, entry.text))));
    this.element.scrollTop = this.element.scrollHeight;
  }
}
