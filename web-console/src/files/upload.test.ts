import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { upload } from './upload';

/** Stands in for the browser's XMLHttpRequest: the test decides how the upload goes. */
class FakeXhr {
  static last: FakeXhr;
  readonly upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null }
    = { onprogress: null };
  readonly headers: Record<string, string> = {};
  method = '';
  url = '';
  status = 0;
  responseText = '';
  private contentType: string | null = null;
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.last = this;
  }

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  getResponseHeader(): string | null {
    return this.contentType;
  }

  send(): void {}

  abort(): void {
    this.onabort?.();
  }

  answer(status: number, body: string, contentType: string): void {
    this.status = status;
    this.responseText = body;
    this.contentType = contentType;
    this.onload?.();
  }
}

afterEach(() => vi.unstubAllGlobals());

function start(onProgress: (fraction: number) => void = () => {}) {
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return upload({ url: '/api/v1/sessions/s/files/archive?path=%2Fworkspace', body: new Blob(['zip']),
    contentType: 'application/zip', headers: { Authorization: 'Bearer t' }, method: 'POST', onProgress });
}

describe('upload', () => {
  it('reports progress and reads the answer', async () => {
    const progress: number[] = [];
    const sending = start((fraction) => progress.push(fraction));
    const xhr = FakeXhr.last;
    expect(xhr.method).toBe('POST');
    expect(xhr.headers).toMatchObject({ Authorization: 'Bearer t', 'Content-Type': 'application/zip' });
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 1, total: 4 });
    xhr.answer(201, '{"entries":2}', 'application/json');
    expect(await sending.done).toEqual({ entries: 2 });
    expect(progress).toEqual([0.25, 1]);
  });

  it('rejects with the problem detail of a refusal', async () => {
    const sending = start();
    FakeXhr.last.answer(400, '{"status":400,"detail":"entry ../x escapes the target directory"}',
      'application/problem+json');
    const error = await sending.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toBe('entry ../x escapes the target directory');
  });

  it('can be cancelled', async () => {
    const sending = start();
    sending.cancel();
    await expect(sending.done).rejects.toThrow('The upload was cancelled');
  });
});
