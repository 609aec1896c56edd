import { ApiError, errorFor } from '../api/problem';

export interface UploadRequest {
  url: string;
  body: Blob;
  contentType: string;
  headers: Record<string, string>;
  method: 'PUT' | 'POST';
  /** Fraction sent so far, 0 to 1. */
  onProgress: (fraction: number) => void;
}

export interface Upload {
  /** The answer's JSON (or null without a body); rejects with {@link ApiError} on a refusal. */
  done: Promise<unknown>;
  cancel: () => void;
}

/** Sends a file with XMLHttpRequest, whose upload events tell how much has been sent. */
export function upload(request: UploadRequest): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<unknown>((resolve, reject) => {
    xhr.open(request.method, request.url);
    xhr.setRequestHeader('Content-Type', request.contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(request.headers)) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) {
        request.onProgress(event.loaded / event.total);
      }
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        request.onProgress(1);
        try {
          resolve(xhr.responseText ? JSON.parse(xhr.responseText) : null);
        } catch {
          resolve(null);
        }
      } else {
        reject(errorFor(xhr.status, xhr.responseText, xhr.getResponseHeader('Content-Type')));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload failed: the server could not be reached'));
    xhr.onabort = () => reject(new ApiError(0, 'The upload was cancelled'));
    xhr.send(request.body);
  });
  return { done, cancel: () => xhr.abort() };
}
