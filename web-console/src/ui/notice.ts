import { h } from './dom';

/** A line that tells the result of what a person just did; read out by screen readers. */
export class Notice {
  readonly element = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });

  show(text: string, kind: 'info' | 'error' | 'success' = 'info'): void {
    this.element.textContent = text;
    this.element.className = `notice notice-${kind}`;
  }

  clear(): void {
    this.element.textContent = '';
    this.element.className = 'notice';
  }
}
