import { inContainer, type Api } from '../api/client';
import { describe } from '../api/problem';
import type { Session } from '../api/types';
import { h } from '../ui/dom';

const MAX_LINES = 2000;

interface LogLine {
  timestamp: string;
  stream: string;
  message: string;
}

/**
 * The output of the session's container, followed live while the panel is visible: an EventSource on the logs
 * stream, opened with a ticket, and opened again with a new one after a drop.
 */
export class LogsPanel {
  readonly element = h('div', { class: 'logs' });
  private readonly output = h('pre', { class: 'log-output', tabindex: 0, 'aria-label': 'Container output' });
  private readonly status = h('p', { class: 'log-status', role: 'status', 'aria-live': 'polite' });
  /** Shown while the container has printed nothing: the workspace's own main process prints nothing at all. */
  private readonly empty = h('p', { class: 'hint log-empty', hidden: true },
    'Nothing yet. This is what the container’s main process writes to its stdout and stderr; a command in the '
    + 'terminal writes here through /proc/1/fd/1 and /proc/1/fd/2, for example npm start > /proc/1/fd/1 2>&1 &');
  private source: EventSource | null = null;
  private session: Session | null = null;
  private container: string | null = null;
  private visible = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;

  constructor(private readonly api: Api) {
    this.element.append(this.status, this.empty, this.output);
  }

  /** Follows the output of the session's container of that name (null: its first). */
  show(session: Session | null, container: string | null = null): void {
    const changed = session?.id !== this.session?.id || session?.status !== this.session?.status
      || container !== this.container;
    this.session = session;
    this.container = container;
    if (changed) {
      this.follow();
    }
  }

  setVisible(visible: boolean): void {
    if (visible !== this.visible) {
      this.visible = visible;
      this.follow();
    }
  }

  private stop(): void {
    this.generation++;
    this.empty.hidden = true;
    this.source?.close();
    this.source = null;
    if (this.retry) {
      clearTimeout(this.retry);
      this.retry = null;
    }
  }

  private follow(): void {
    this.stop();
    const session = this.session;
    if (!session) {
      this.status.textContent = 'Select a session to see its container output.';
      this.output.textContent = '';
      return;
    }
    if (session.status !== 'RUNNING') {
      this.status.textContent = `The output is followed while the session is RUNNING; it is ${session.status}.`;
      return;
    }
    if (this.visible) {
      void this.connect(session.id, this.container, this.generation);
    }
  }

  private async connect(sessionId: string, container: string | null, generation: number): Promise<void> {
    this.status.textContent = 'Connecting…';
    try {
      const { ticket } = await this.api.logsTicket(sessionId);
      if (generation !== this.generation) {
        return;
      }
      this.output.textContent = '';
      const source = new EventSource(`/api/v1/sessions/${sessionId}/logs?follow=true&tail=200`
        + `${inContainer(container)}&ticket=${encodeURIComponent(ticket)}`);
      source.addEventListener('open', () => {
        this.status.textContent = 'Following the container output';
        this.empty.hidden = this.output.childNodes.length > 0;
      });
      source.addEventListener('log', (event) => this.append(JSON.parse((event as MessageEvent<string>).data)));
      source.addEventListener('end', () => {
        source.close();
        this.status.textContent = 'The output has ended';
      });
      source.addEventListener('error', () => {
        // A ticket works once: the browser's own retry would be refused, so reconnect with a new one.
        source.close();
        if (generation === this.generation) {
          this.status.textContent = 'The output stream was interrupted; reconnecting…';
          this.retry = setTimeout(() => void this.connect(sessionId, container, generation), 2000);
        }
      });
      this.source = source;
    } catch (error) {
      if (generation === this.generation) {
        this.status.textContent = describe(error);
      }
    }
  }

  private append(line: LogLine): void {
    this.empty.hidden = true;
    const stick = this.output.scrollTop + this.output.clientHeight >= this.output.scrollHeight - 8;
    this.output.append(h('span', { class: `log-line log-${line.stream}` }, `${line.message}\n`));
    while (this.output.childNodes.length > MAX_LINES) {
      this.output.firstChild?.remove();
    }
    if (stick) {
      this.output.scrollTop = this.output.scrollHeight;
    }
  }
}
