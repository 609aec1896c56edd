import type { Api } from '../api/client';
import { describe } from '../api/problem';
import type { Session } from '../api/types';
import { h, replace } from '../ui/dom';
import { TerminalConnection, type ConnectionState } from './connection';
import type { RememberedTerminals } from './remembered';

interface Tab {
  connection: TerminalConnection;
  /** The session's container the shell runs in. */
  container: string | null;
  button: HTMLButtonElement;
  label: string;
  state: ConnectionState;
  message: string;
}

/**
 * The terminals of the selected session, one tab each. A reload finds the terminals this browser tab opened and
 * connects to them again; a running session with none in the chosen container gets one there.
 */
export class TerminalPanel {
  readonly element = h('section', { class: 'panel terminal-panel', 'aria-label': 'Terminal' });
  private readonly tabBar = h('div', { class: 'terminal-tabs', 'aria-label': 'Terminals' });
  private readonly body = h('div', { class: 'terminal-body' });
  private readonly status = h('p', { class: 'terminal-status', role: 'status', 'aria-live': 'polite' });
  private readonly tabs: Tab[] = [];
  private active: Tab | null = null;
  private sessionId: string | null = null;
  /** The container asked for (null: the session's first), and its name. */
  private container: string | null = null;
  private containerName: string | null = null;
  private severalContainers = false;
  private running = false;
  private counter = 0;
  /** Counts the changes of session or of its running state: work started for an older one is dropped. */
  private generation = 0;

  constructor(private readonly api: Api, private readonly remembered: RememberedTerminals) {
    this.element.append(h('header', { class: 'panel-header' }, h('h2', {}, 'Terminal'), this.tabBar), this.body,
      this.status);
    new ResizeObserver(() => this.active?.connection.resize()).observe(this.body);
    this.renderTabs();
  }

  /**
   * Follows the selected session: another session closes these tabs, a running one gets its terminals. Choosing
   * another container shows a shell in it, a new one if none runs there.
   */
  show(session: Session | null, container: string | null = null): void {
    const id = session?.id ?? null;
    const running = session?.status === 'RUNNING';
    const switched = container !== this.container;
    const containers = session?.containers ?? [];
    this.container = container;
    this.containerName = container ?? containers[0]?.name ?? null;
    this.severalContainers = containers.length > 1;
    if (id !== this.sessionId) {
      this.closeAll();
      this.sessionId = id;
      this.counter = 0;
    } else if (running && this.running) {
      if (switched) {
        const there = this.tabs.find((tab) => this.inChosenContainer(tab));
        if (there) {
          this.activate(there);
        } else {
          void this.openNew();
        }
      }
      return;
    }
    const generation = ++this.generation;
    this.running = running;
    if (!running) {
      this.closeAll();
      replace(this.body, h('p', { class: 'hint' }, session ? `The terminal is available while the session is RUNNING; it is ${session.status}.`
        : 'Select a session to get a terminal.'));
      this.status.textContent = '';
      this.renderTabs();
      return;
    }
    void this.restore(id!, generation);
  }

  private async restore(sessionId: string, generation: number): Promise<void> {
    replace(this.body);
    this.status.textContent = 'Looking for this tab’s terminals…';
    try {
      const running = new Map((await this.api.terminals(sessionId)).filter((t) => t.status === 'RUNNING')
        .map((t) => [t.id, t.container]));
      if (generation !== this.generation) {
        return; // another session was selected meanwhile, or this one stopped: that change has its own restore
      }
      const ids = this.remembered.list(sessionId);
      for (const id of ids) {
        if (running.has(id)) {
          this.attach(id, running.get(id) ?? null);
        } else {
          this.remembered.remove(sessionId, id);
        }
      }
      if (!this.tabs.some((tab) => this.inChosenContainer(tab))) {
        await this.openNew();
      }
    } catch (error) {
      if (generation === this.generation) {
        this.status.textContent = describe(error);
      }
    }
  }

  private async openNew(): Promise<void> {
    const sessionId = this.sessionId;
    const generation = this.generation;
    if (!sessionId || !this.running) {
      return;
    }
    this.status.textContent = 'Starting a shell…';
    try {
      const size = this.active?.connection.size ?? { cols: 100, rows: 30 };
      const opened = await this.api.openTerminal(sessionId, this.container, size.cols, size.rows);
      if (generation !== this.generation) {
        // the page moved on while the shell started: end it rather than leave it running unseen
        void this.api.closeTerminal(sessionId, opened.id).catch(() => undefined);
        return;
      }
      this.remembered.add(sessionId, opened.id);
      this.attach(opened.id, opened.container, opened.ticket);
    } catch (error) {
      this.status.textContent = describe(error);
    }
  }

  private attach(terminalId: string, container: string | null, ticket?: string): void {
    const sessionId = this.sessionId!;
    const label = `Shell ${++this.counter}${this.severalContainers && container ? ` · ${container}` : ''}`;
    const tab: Tab = {
      container,
      label,
      state: 'connecting',
      message: '',
      button: h('button', { type: 'button', class: 'terminal-tab' }),
      connection: new TerminalConnection(this.api, sessionId, terminalId, (state, message) => {
        tab.state = state;
        tab.message = message;
        if (state === 'ended') {
          this.remembered.remove(sessionId, terminalId);
        }
        this.renderTabs();
      }),
    };
    tab.button.addEventListener('click', () => this.activate(tab));
    this.tabs.push(tab);
    this.body.append(tab.connection.element);
    this.activate(tab);
    tab.connection.open(ticket);
  }

  /** Whether the tab's shell runs in the container chosen (any, while the session names none). */
  private inChosenContainer(tab: Tab): boolean {
    return this.containerName === null || tab.container === this.containerName;
  }

  private activate(tab: Tab): void {
    this.active = tab;
    for (const other of this.tabs) {
      other.connection.element.hidden = other !== tab;
    }
    this.renderTabs();
    tab.connection.resize();
    tab.connection.focus();
  }

  private async close(tab: Tab): Promise<void> {
    const sessionId = this.sessionId;
    this.drop(tab);
    if (sessionId) {
      this.remembered.remove(sessionId, tab.connection.terminalId);
      await this.api.closeTerminal(sessionId, tab.connection.terminalId).catch(() => undefined);
    }
  }

  private drop(tab: Tab): void {
    tab.connection.dispose();
    this.tabs.splice(this.tabs.indexOf(tab), 1);
    if (this.active === tab) {
      const next = this.tabs[this.tabs.length - 1];
      this.active = null;
      if (next) {
        this.activate(next);
      }
    }
    this.renderTabs();
  }

  private closeAll(): void {
    for (const tab of [...this.tabs]) {
      tab.connection.dispose();
    }
    this.tabs.length = 0;
    this.active = null;
    this.renderTabs();
  }

  private renderTabs(): void {
    const buttons = this.tabs.map((tab) => {
      tab.button.setAttribute('aria-pressed', String(tab === this.active));
      tab.button.dataset.state = tab.state;
      tab.button.title = tab.message;
      replace(tab.button, h('span', { class: `dot dot-${tab.state}`, 'aria-hidden': 'true' }), tab.label);
      return h('span', { class: 'terminal-tab-group' }, tab.button,
        h('button', { type: 'button', class: 'icon', 'aria-label': `Close ${tab.label}`, title: 'End this shell',
          onclick: () => void this.close(tab) }, '×'));
    });
    replace(this.tabBar, ...buttons, this.running
      ? h('button', { type: 'button', class: 'icon', 'aria-label': 'New terminal', title: 'New terminal',
        onclick: () => void this.openNew() }, '+') : null);
    if (this.active) {
      this.status.textContent = this.active.state === 'connected' ? '' : this.active.message;
    }
  }
}
