/** The terminals this browser tab opened in each session, so a reload finds them again. */
export class RememberedTerminals {
  constructor(private readonly storage: Storage) {}

  list(sessionId: string): string[] {
    try {
      const value: unknown = JSON.parse(this.storage.getItem(key(sessionId)) ?? '[]');
      return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return [];
    }
  }

  add(sessionId: string, terminalId: string): void {
    const ids = this.list(sessionId);
    if (!ids.includes(terminalId)) {
      this.save(sessionId, [...ids, terminalId]);
    }
  }

  remove(sessionId: string, terminalId: string): void {
    this.save(sessionId, this.list(sessionId).filter((id) => id !== terminalId));
  }

  private save(sessionId: string, ids: string[]): void {
    if (ids.length === 0) {
      this.storage.removeItem(key(sessionId));
    } else {
      this.storage.setItem(key(sessionId), JSON.stringify(ids));
    }
  }
}

function key(sessionId: string): string {
  return `berth.terminals.${sessionId}`;
}
