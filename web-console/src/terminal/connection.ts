import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import type { Api } from '../api/client';
import { ApiError, describe } from '../api/problem';
import { afterClose, parseControl, reconnectDelay, resizeMessage } from './protocol';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'ended';

/**
 * One terminal of a session in xterm.js, connected to the relay over a WebSocket with a ticket. After a drop it
 * connects again with a fresh ticket; the relay then replays the recent output, so the screen is cleared first.
 */
export class TerminalConnection {
  readonly element = document.createElement('div');
  private readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  private readonly encoder = new TextEncoder();
  private socket: WebSocket | null = null;
  private attempts = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private connectedOnce = false;
  private disposed = false;
  private state: ConnectionState = 'connecting';

  constructor(
    private readonly api: Api,
    private readonly sessionId: string,
    readonly terminalId: string,
    private readonly onState: (state: ConnectionState, message: string) => void,
  ) {
    this.element.className = 'xterm-host';
    this.terminal = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: { background: '#11161d', foreground: '#d8dee9' },
    });
    this.terminal.loadAddon(this.fit);
    this.terminal.onData((data) => this.send(this.encoder.encode(data)));
    this.terminal.onBinary((data) => this.send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    this.terminal.onResize(({ cols, rows }) => {
      if (this.socket?.readyState === WebSocket.OPEN) {
        this.socket.send(resizeMessage(cols, rows));
      }
    });
    window.addEventListener('online', this.reconnectNow);
  }

  /** Shows the terminal in its element (which must be in the page) and connects, with a ticket if one is at hand. */
  open(ticket?: string): void {
    this.terminal.open(this.element);
    this.resize();
    void this.connect(ticket);
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.terminal.cols, rows: this.terminal.rows };
  }

  /** Fits the terminal to its element; the shell hears of a new size through onResize. */
  resize(): void {
    if (this.element.offsetParent !== null && this.element.clientWidth > 0 && this.element.clientHeight > 0) {
      this.fit.fit();
    }
  }

  focus(): void {
    this.terminal.focus();
  }

  dispose(): void {
    this.disposed = true;
    window.removeEventListener('online', this.reconnectNow);
    if (this.retry) {
      clearTimeout(this.retry);
    }
    this.socket?.close(1000);
    this.terminal.dispose();
    this.element.remove();
  }

  private readonly reconnectNow = (): void => {
    if (this.state === 'reconnecting' && this.retry) {
      clearTimeout(this.retry);
      this.retry = null;
      void this.connect();
    }
  };

  private send(bytes: Uint8Array): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(bytes);
    }
  }

  private setState(state: ConnectionState, message: string): void {
    this.state = state;
    this.onState(state, message);
  }

  private async connect(ticket?: string): Promise<void> {
    if (this.disposed) {
      return;
    }
    this.setState(this.connectedOnce ? 'reconnecting' : 'connecting',
      this.connectedOnce ? 'Reconnecting…' : 'Connecting…');
    try {
      const fresh = ticket ?? (await this.api.terminalTicket(this.sessionId, this.terminalId)).ticket;
      if (this.disposed) {
        return;
      }
      this.openSocket(fresh);
    } catch (error) {
      if (error instanceof ApiError && [401, 403, 404, 409].includes(error.status)) {
        this.setState('ended', describe(error));
      } else {
        this.scheduleReconnect(describe(error));
      }
    }
  }

  private openSocket(ticket: string): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/sessions/${this.sessionId}/terminals/`
      + `${this.terminalId}/ws?ticket=${encodeURIComponent(ticket)}`);
    socket.binaryType = 'arraybuffer';
    let exited = false;
    socket.onopen = () => {
      if (this.connectedOnce) {
        this.terminal.reset(); // the relay replays the recent output
      }
      this.connectedOnce = true;
      this.attempts = 0;
      this.resize();
      socket.send(resizeMessage(this.terminal.cols, this.terminal.rows));
      this.setState('connected', 'Connected');
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data !== 'string') {
        this.terminal.write(new Uint8Array(event.data));
        return;
      }
      const control = parseControl(event.data);
      if (control.type === 'exit') {
        exited = true;
        this.terminal.write(`\r\n\x1b[2m[the shell exited${control.code === null ? '' : ` with code ${control.code}`}]\x1b[0m\r\n`);
      } else if (control.type === 'error') {
        this.terminal.write(`\r\n\x1b[33m[${control.message}]\x1b[0m\r\n`);
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.disposed) {
        return;
      }
      this.socket = null;
      const next = afterClose(exited ? 1000 : event.code, event.reason);
      if (next.reconnect) {
        this.scheduleReconnect(next.message);
      } else {
        this.setState('ended', next.message);
      }
    };
    this.socket = socket;
  }

  private scheduleReconnect(message: string): void {
    this.attempts++;
    const delay = reconnectDelay(this.attempts);
    this.setState('reconnecting', `${message} (again in ${Math.ceil(delay / 1000)} s)`);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
  }
}
