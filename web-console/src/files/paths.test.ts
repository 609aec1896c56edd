import { describe, expect, it } from 'vitest';
import { baseName, formatSize, isZip, join, normalize, parent, pathProblem } from './paths';

describe('paths', () => {
  it('accepts absolute paths without . or .. parts', () => {
    expect(pathProblem('/workspace/app/server.js')).toBeNull();
    expect(pathProblem('/')).toBeNull();
    expect(pathProblem('/workspace/.env')).toBeNull();
  });

  it('refuses relative, escaping and odd paths with a reason', () => {
    expect(pathProblem('')).toBe('Enter a path');
    expect(pathProblem('workspace/a')).toMatch(/absolute/);
    expect(pathProblem('/workspace/../etc/passwd')).toMatch(/\.\./);
    expect(pathProblem('/workspace/./a')).toMatch(/\.\./);
    expect(pathProblem('/work\nspace')).toMatch(/control/);
  });

  it('joins and splits paths', () => {
    expect(normalize('//workspace//app/')).toBe('/workspace/app');
    expect(join('/workspace/', 'a.txt')).toBe('/workspace/a.txt');
    expect(join('/', 'etc')).toBe('/etc');
    expect(parent('/workspace/app')).toBe('/workspace');
    expect(parent('/workspace')).toBe('/');
    expect(parent('/')).toBe('/');
    expect(baseName('/workspace/app/')).toBe('app');
  });

  it('tells zips apart and sizes files', () => {
    expect(isZip({ name: 'app.ZIP', type: '' })).toBe(true);
    expect(isZip({ name: 'app', type: 'application/zip' })).toBe(true);
    expect(isZip({ name: 'app.tar', type: 'application/x-tar' })).toBe(false);
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(12 * 1024 * 1024)).toBe('12.0 MB');
  });
});
