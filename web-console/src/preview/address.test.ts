import { describe, expect, it } from 'vitest';
import { appPath, linkTo, pathInPreview, previewPrefix, validPort } from './address';

const ID = '64d25605-bec2-45d2-9866-51fcbe784b04';

describe('preview addresses', () => {
  it('points the path-based link at an app path, keeping the ticket', () => {
    const prefix = previewPrefix(ID, 3000);
    const link = linkTo(`http://127.0.0.1:8080${prefix}/?berth-ticket=abc`, prefix, 'about?x=1');
    expect(link.pathname + link.search).toBe(`/preview/${ID}/3000/about?x=1&berth-ticket=abc`);
  });

  it('points the host-based link at an app path', () => {
    const link = linkTo(`http://${ID}-3000.preview.localhost:8080/?berth-ticket=abc`, '', '/');
    expect(link.href).toBe(`http://${ID}-3000.preview.localhost:8080/?berth-ticket=abc`);
  });

  it('shows the app path of a location in the frame', () => {
    const prefix = previewPrefix(ID, 3000);
    expect(pathInPreview({ pathname: `${prefix}/docs/`, search: '?q=1' }, prefix)).toBe('/docs/?q=1');
    expect(pathInPreview({ pathname: prefix, search: '' }, prefix)).toBe('/');
  });

  it('checks ports and paths', () => {
    expect(validPort('3000')).toBe(3000);
    expect(validPort('0')).toBeNull();
    expect(validPort('70000')).toBeNull();
    expect(validPort('80.5')).toBeNull();
    expect(appPath(' about ')).toBe('/about');
  });
});
