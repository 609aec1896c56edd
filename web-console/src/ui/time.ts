/** "1:05:09", "4:59", "0:07": what is left of a lease, counting down; "ended" at zero. */
export function formatRemaining(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    return 'ended';
  }
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** Seconds from `now` until an ISO instant; 0 once it has passed, or without one. */
export function secondsUntil(instant: string | null, now: number): number {
  if (!instant) {
    return 0;
  }
  const at = Date.parse(instant);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.round((at - now) / 1000));
}

/** A short local time of day, e.g. "14:03:27". */
export function clock(instant: string | null): string {
  if (!instant) {
    return '';
  }
  const at = new Date(instant);
  return Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit',
    second: '2-digit', hour12: false });
}

/** "just now", "5 min ago", "3 h ago", or the date for older instants. */
export function ago(instant: string | null, now: number): string {
  if (!instant) {
    return '';
  }
  const at = Date.parse(instant);
  if (Number.isNaN(at)) {
    return '';
  }
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) {
    return 'just now';
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86_400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  return new Date(at).toLocaleDateString();
}
