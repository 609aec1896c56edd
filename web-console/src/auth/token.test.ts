import { describe, expect, it } from 'vitest';
import { readClaims, tokenProblem } from './token';

function jwt(claims: object): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-')
    .replace(/\//g, '_');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

describe('tokens', () => {
  it('reads the owner, the admin role and the expiry', () => {
    expect(readClaims(jwt({ sub: 'alice', roles: ['admin'], exp: 2000 }))).toEqual({ owner: 'alice', admin: true,
      expiresAt: 2_000_000 });
    expect(readClaims(jwt({ sub: 'bob', roles: [] }))).toEqual({ owner: 'bob', admin: false, expiresAt: null });
    expect(readClaims(jwt({ sub: 'ops', roles: 'user admin' }))?.admin).toBe(true);
  });

  it('reads names outside ASCII', () => {
    const claims = { sub: 'zoë' };
    const bytes = new TextEncoder().encode(JSON.stringify(claims));
    const part = btoa(String.fromCharCode(...bytes)).replace(/=+$/, '');
    expect(readClaims(`e30.${part}.sig`)?.owner).toBe('zoë');
  });

  it('says what is wrong with a pasted token', () => {
    expect(tokenProblem('hello', 0)).toMatch(/not a token/);
    expect(tokenProblem(jwt({ sub: 'a', exp: 10 }), 20_000)).toMatch(/expired/);
    expect(tokenProblem(` ${jwt({ sub: 'a', exp: 10 })}\n`, 5_000)).toBeNull();
  });
});
