/** Text frames the relay sends on a terminal's WebSocket; terminal output itself comes as binary frames. */
export type ServerControl =
  | { type: 'exit'; code: number | null }
  | { type: 'error'; message: string }
  | { type: 'unknown' };

/** The control message that tells the shell its new size. */
export function resizeMessage(cols: number, rows: number): string {
  return JSON.stringify({ type: 'resize', cols: clampSize(cols), rows: clampSize(rows) });
}

function clampSize(value: number): number {
  return Math.min(1000, Math.max(1, Math.floor(value)));
}

export function parseControl(text: string): ServerControl {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { type: 'unknown' };
  }
  if (value === null || typeof value !== 'object') {
    return { type: 'unknown' };
  }
  const message = value as Record<string, unknown>;
  if (message.type === 'exit') {
    return { type: 'exit', code: typeof message.code === 'number' ? message.code : null };
  }
  if (message.type === 'error') {
    const text = [message.detail, message.message, message.title].find((v) => typeof v === 'string');
    return { type: 'error', message: (text as string | undefined) ?? 'The terminal reported an error' };
  }
  return { type: 'unknown' };
}

/** What to do after the WebSocket closed: connect again (with a fresh ticket), or tell why not. */
export interface AfterClose {
  reconnect: boolean;
  message: string;
}

export function afterClose(code: number, reason: string): AfterClose {
  const why = reason ? `: ${reason}` : '';
  switch (code) {
    case 1000:
      return { reconnect: false, message: 'The terminal has ended' };
    case 4401:
      return { reconnect: true, message: 'The connection ticket was refused; getting a new one' };
    case 4404:
      return { reconnect: false, message: `This terminal no longer exists${why}` };
    case 4409:
      return { reconnect: false, message: `The session is not running${why}` };
    case 4429:
      return { reconnect: false, message: `Too many connections to this terminal${why}` };
    case 4408:
      return { reconnect: true, message: 'The connection fell behind the output; reconnecting' };
    default:
      if (code >= 4400 && code < 4500) {
        return { reconnect: false, message: `The terminal refused the connection (${code - 4000})${why}` };
      }
      return { reconnect: true, message: 'The connection was lost; reconnecting' };
  }
}

/** Wait before the n-th reconnect in a row (from 1): 0.5 s, 1 s, 2 s, ... up to 10 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(500 * 2 ** Math.max(0, attempt - 1), 10_000);
}
