import type { Api } from '../api/client';
import { describe, parseProblem } from '../api/problem';
import type { Session } from '../api/types';
import { h, replace } from '../ui/dom';
import { linkTo, pathInPreview, previewPrefix, validPort } from './address';

const RETRY_MS = 2000;
const NOT_RUNNING = 'urn:berth:problem:app-not-running';

/**
 * The app of the selected session on a chosen port, in a frame. The page first opens the preview link itself,
 * which gives the browser the preview's cookie and tells whether the app answers; until it does, the panel says
 * so and tries again.
 */
export class PreviewPanel {
  readonly element = h('section', { class: 'panel preview-panel', 'aria-label': 'Preview' });
  private readonly port = h('input', { class: 'port', type: 'number', min: 1, max: 65535, value: 3000,
    'aria-label': 'Port' });
  private readonly address = h('input', { class: 'address', value: '/', 'aria-label': 'Path in the app',
    spellcheck: 'false' });
  private readonly frame = h('iframe', { title: 'Preview of the session’s app', class: 'preview-frame' });
  private readonly overlay = h('div', { class: 'preview-state', role: 'status', 'aria-live': 'polite' });
  private session: Session | null = null;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly api: Api) {
    const form = h('form', { class: 'preview-bar' },
      h('label', {}, 'Port ', this.port),
      this.address,
      h('button', { type: 'submit' }, 'Go'),
      h('button', { type: 'button', onclick: () => this.reload(), title: 'Reload the preview' }, 'Reload'),
      h('button', { type: 'button', onclick: () => void this.openInNewTab(), title: 'Open the app in a new tab' },
        'Open in new tab'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.open();
    });
    this.frame.addEventListener('load', () => this.followFrame());
    this.element.append(h('header', { class: 'panel-header' }, h('h2', {}, 'Preview'), form),
      h('div', { class: 'preview-body' }, this.frame, this.overlay));
    this.show(null);
  }

  show(session: Session | null): void {
    const before = this.session;
    this.session = session;
    const running = session?.status === 'RUNNING';
    if (before?.id === session?.id && before?.status === 'RUNNING' && running) {
      return;
    }
    this.stop();
    if (!session || !running) {
      this.state(session ? `The preview is available while the session is RUNNING; it is ${session.status}.`
        : 'Select a running session to see its app here.');
      return;
    }
    if (before?.id !== session.id) {
      this.port.value = String(session.ports[0] ?? 3000);
      this.address.value = '/';
    }
    void this.open();
  }

  private stop(): void {
    if (this.retry) {
      clearTimeout(this.retry);
      this.retry = null;
    }
    this.attempt++;
    this.frame.removeAttribute('src');
    this.frame.hidden = true;
  }

  private state(text: string, ...extra: Node[]): void {
    this.overlay.hidden = false;
    replace(this.overlay, h('p', {}, text), ...extra);
  }

  /** Opens the preview link, then shows the app in the frame, or waits for it. */
  private async open(): Promise<void> {
    const session = this.session;
    const port = validPort(this.port.value);
    if (!session || session.status !== 'RUNNING') {
      return;
    }
    if (port === null) {
      this.state('The port must be a number from 1 to 65535.');
      return;
    }
    this.stop();
    const attempt = this.attempt;
    this.state(`Opening port ${port}…`);
    try {
      const link = await this.api.previewTicket(session.id, port);
      const prefix = previewPrefix(session.id, port);
      const target = linkTo(link.pathUrl, prefix, this.address.value);
      await this.probe(`${target.pathname}${target.search}`, prefix, attempt, port);
    } catch (error) {
      if (attempt === this.attempt) {
        this.state(describe(error), h('button', { type: 'button', onclick: () => void this.open() }, 'Try again'));
      }
    }
  }

  /** Asks for the app's page; shows it in the frame once something answers other than "not running yet". */
  private async probe(url: string, prefix: string, attempt: number, port: number): Promise<void> {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    const body = response.ok ? '' : await response.text();
    void response.body?.cancel().catch(() => undefined);
    if (attempt !== this.attempt) {
      return;
    }
    const problem = parseProblem(body, response.headers.get('Content-Type'));
    if (response.status === 502 && problem?.type === NOT_RUNNING) {
      this.state(`The app is not running yet: nothing answers on port ${port}. Start it in the terminal (for `
        + 'example npm start); this view tries again every 2 seconds.');
      this.overlay.classList.add('waiting');
      const path = linkTo(`${prefix}/`, prefix, this.address.value);
      this.retry = setTimeout(() => void this.probe(`${path.pathname}${path.search}`, prefix, attempt, port)
        .catch(() => this.open()), RETRY_MS);
      return;
    }
    if (response.status === 401) {
      await this.open(); // the preview cookie is gone: a new link sets it again
      return;
    }
    this.overlay.classList.remove('waiting');
    this.overlay.hidden = true;
    this.frame.hidden = false;
    const page = linkTo(`${prefix}/`, prefix, this.address.value);
    this.frame.src = `${page.pathname}${page.search}`;
  }

  /** Keeps the address bar on the page the frame shows, as a person clicks around the app. */
  private followFrame(): void {
    const session = this.session;
    if (!session || this.frame.hidden) {
      return;
    }
    try {
      const location = this.frame.contentWindow?.location;
      if (location && location.href !== 'about:blank') {
        this.address.value = pathInPreview(location, previewPrefix(session.id, Number(this.port.value)));
      }
    } catch {
      // the app navigated to another origin: its address is not ours to read
    }
  }

  private reload(): void {
    if (!this.frame.hidden && this.frame.contentWindow) {
      try {
        this.frame.contentWindow.location.reload();
        return;
      } catch {
        // another origin: open the preview again instead
      }
    }
    void this.open();
  }

  private async openInNewTab(): Promise<void> {
    const session = this.session;
    const port = validPort(this.port.value);
    if (!session || session.status !== 'RUNNING' || port === null) {
      return;
    }
    const opened = window.open('about:blank', '_blank');
    try {
      const link = await this.api.previewTicket(session.id, port);
      const url = linkTo(link.url, '', this.address.value).href;
      if (opened) {
        opened.opener = null;
        opened.location.href = url;
      } else {
        window.location.assign(url);
      }
    } catch (error) {
      opened?.close();
      this.state(describe(error));
    }
  }
}
