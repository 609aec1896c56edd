import { Api } from './api/client';
import { describe } from './api/problem';
import type { Session } from './api/types';
import { readClaims, type TokenStore } from './auth/token';
import { FilesPanel } from './files/panel';
import { LogsPanel } from './logs/panel';
import { MessagesPanel } from './messages/panel';
import { PreviewPanel } from './preview/panel';
import { SessionBar } from './sessions/bar';
import { EventStream, type StreamState } from './sessions/eventStream';
import { Sidebar } from './sessions/sidebar';
import { SessionStore } from './sessions/store';
import { RememberedTerminals } from './terminal/remembered';
import { TerminalPanel } from './terminal/panel';
import { h } from './ui/dom';
import { tabs } from './ui/tabs';
import { ago, formatRemaining, secondsUntil } from './ui/time';

const STREAM_LABELS: Record<StreamState, string> = {
  connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', closed: 'closed',
};

/** The signed-in page: sessions on the left; messages, terminal and preview of the selected one. */
export function startApp(root: HTMLElement, tokens: TokenStore, signOut: (reason: string | null) => void): void {
  const token = tokens.get()!;
  const claims = readClaims(token);
  let stream: EventStream | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;
  let left = false;
  const leave = (reason: string | null) => {
    if (left) {
      return;
    }
    left = true;
    stream?.close();
    if (ticker) {
      clearInterval(ticker);
    }
    for (const panel of [terminal, preview, logs, files]) {
      panel.show(null);
    }
    signOut(reason);
  };
  const api = new Api(() => tokens.get(), () => leave('Your token was refused or has expired: sign in again.'));
  const store = new SessionStore(sessionStorage);

  const streamState = h('span', { class: 'stream-state', role: 'status', title: 'Live updates' });
  const sidebar = new Sidebar(api, store);
  const bar = new SessionBar(api, store);
  const messages = new MessagesPanel(store);
  const logs = new LogsPanel(api);
  const files = new FilesPanel(api);
  const terminal = new TerminalPanel(api, new RememberedTerminals(sessionStorage));
  const preview = new PreviewPanel(api);
  const side = tabs('activity', [
    { id: 'messages', label: 'Messages', panel: messages.element },
    { id: 'logs', label: 'Logs', panel: logs.element },
    { id: 'files', label: 'Files', panel: files.element },
  ], (id) => logs.setVisible(id === 'logs'));

  root.replaceChildren(
    h('header', { class: 'topbar' },
      h('span', { class: 'brand' }, 'Berth'),
      h('span', { class: 'stream' }, 'Updates: ', streamState),
      h('span', { class: 'who' }, claims ? `${claims.owner}${claims.admin ? ' (admin)' : ''}` : ''),
      h('button', { type: 'button', id: 'sign-out', onclick: () => leave(null) }, 'Sign out')),
    h('div', { class: 'layout' },
      sidebar.element,
      bar.element,
      h('section', { class: 'panel activity-panel', 'aria-label': 'Messages, logs and files' }, side),
      h('div', { class: 'work' }, terminal.element, preview.element)));

  let shown: Session | null | undefined;
  let shownContainer: string | null = null;
  const follow = () => {
    const session = store.selected;
    const container = store.selectedContainer;
    if (session === shown && container === shownContainer) {
      return;
    }
    shown = session;
    shownContainer = container;
    terminal.show(session, container);
    preview.show(session);
    logs.show(session, container);
    files.show(session, container);
  };
  store.subscribe(follow);
  follow();

  ticker = setInterval(() => {
    const now = Date.now();
    root.querySelectorAll<HTMLElement>('[data-expires]').forEach((element) => {
      element.textContent = formatRemaining(secondsUntil(element.dataset.expires ?? null, now));
    });
    root.querySelectorAll<HTMLElement>('[data-ago]').forEach((element) => {
      element.textContent = ago(element.dataset.ago ?? null, now);
    });
  }, 1000);

  void (async () => {
    try {
      const page = await api.sessions();
      store.snapshot(page.items);
    } catch (error) {
      streamState.textContent = describe(error);
      return;
    }
    void sidebar.loadImages();
    void sidebar.loadTemplates();
    // From event 0: the server replays what it still keeps (about an hour), which fills the timelines.
    stream = new EventStream({
      url: '/api/v1/sessions/events',
      lastEventId: '0',
      headers: () => api.authorization(),
      onEvent: (event) => {
        if (event.event === 'session' || event.event === 'expiring') {
          store.event(event.event, JSON.parse(event.data) as Session, Number(event.id ?? 0));
        }
      },
      onState: (state, detail) => {
        streamState.textContent = STREAM_LABELS[state];
        streamState.dataset.state = state;
        streamState.title = detail ?? 'Live updates';
      },
      onUnauthorized: () => leave('Your token was refused or has expired: sign in again.'),
    });
    stream.start();
  })();
}
