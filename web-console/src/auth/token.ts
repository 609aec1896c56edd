const KEY = 'berth.token';

/** What a token says about its holder (read, not checked: the server checks it). */
export interface TokenClaims {
  owner: string;
  admin: boolean;
  /** Expiry in milliseconds since the epoch, or null. */
  expiresAt: number | null;
}

/** Reads the claims of a JWT, or null when the text is not one. */
export function readClaims(token: string, rolesClaim = 'roles', adminRole = 'admin'): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) {
    return null;
  }
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as Record<string, unknown>;
    if (typeof claims.sub !== 'string') {
      return null;
    }
    const roles = claims[rolesClaim];
    const admin = Array.isArray(roles) ? roles.includes(adminRole)
      : typeof roles === 'string' && roles.split(/[ ,]+/).includes(adminRole);
    return { owner: claims.sub, admin, expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null };
  } catch {
    return null;
  }
}

/** Why a pasted token cannot be used, or null when it looks usable. */
export function tokenProblem(token: string, now: number): string | null {
  const claims = readClaims(token.trim());
  if (!claims) {
    return 'This is not a token: paste the whole JWT (three parts separated by dots)';
  }
  if (claims.expiresAt !== null && claims.expiresAt <= now) {
    return 'This token has expired: get a new one';
  }
  return null;
}

/** The token of this browser tab: kept in sessionStorage, so it lives as long as the tab and no longer. */
export class TokenStore {
  constructor(private readonly storage: Storage) {}

  get(): string | null {
    return this.storage.getItem(KEY);
  }

  set(token: string): void {
    this.storage.setItem(KEY, token.trim());
  }

  /** Signing out forgets the token and what the tab remembered for it. */
  clear(): void {
    for (let i = this.storage.length - 1; i >= 0; i--) {
      const key = this.storage.key(i);
      if (key?.startsWith('berth.')) {
        this.storage.removeItem(key);
      }
    }
  }
}
