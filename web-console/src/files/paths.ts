/** Why a path typed by a person cannot be used in a session, or null when it can. */
export function pathProblem(path: string): string | null {
  if (!path) {
    return 'Enter a path';
  }
  if (!path.startsWith('/')) {
    return 'The path must be absolute, starting with /';
  }
  if (/[\u0000-\u001f]/.test(path)) {
    return 'The path must not contain control characters';
  }
  if (path.split('/').some((part) => part === '..' || part === '.')) {
    return 'The path must not contain . or .. parts';
  }
  if (path.length > 4096) {
    return 'The path is too long';
  }
  return null;
}

/** The path without doubled or trailing slashes ("/" stays "/"). */
export function normalize(path: string): string {
  const parts = path.split('/').filter((part) => part !== '');
  return `/${parts.join('/')}`;
}

/** A name inside a directory. */
export function join(directory: string, name: string): string {
  return normalize(`${directory}/${name}`);
}

/** The directory holding a path; "/" for "/" itself. */
export function parent(path: string): string {
  const normalized = normalize(path);
  return normalized.slice(0, normalized.lastIndexOf('/')) || '/';
}

/** The last part of a path. */
export function baseName(path: string): string {
  const normalized = normalize(path);
  return normalized.slice(normalized.lastIndexOf('/') + 1);
}

/** Whether a file is a zip archive, by its type or name. */
export function isZip(file: { name: string; type: string }): boolean {
  return file.type === 'application/zip' || file.type === 'application/x-zip-compressed'
    || file.name.toLowerCase().endsWith('.zip');
}

/** Bytes for people: "512 B", "1.5 KB", "12.0 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
