/** Where the path-based preview of a session port lives on the gateway. */
export function previewPrefix(sessionId: string, port: number): string {
  return `/preview/${sessionId}/${port}`;
}

/** The app's own path typed in the address bar, made absolute: "about" → "/about", "" → "/". */
export function appPath(typed: string): string {
  const trimmed = typed.trim();
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * A preview link from the gateway (with its ticket) pointed at a path of the app: `prefix` is
 * {@link previewPrefix} for the path-based link and empty for the host-based one.
 */
export function linkTo(link: string, prefix: string, path: string): URL {
  const url = new URL(link, 'http://localhost');
  const target = new URL(appPath(path), 'http://localhost');
  url.pathname = `${prefix}${target.pathname}`;
  const params = new URLSearchParams(target.search);
  url.searchParams.forEach((value, name) => params.append(name, value));
  url.search = params.toString();
  return url;
}

/** The app path shown in the address bar for a location inside the preview frame. */
export function pathInPreview(location: { pathname: string; search: string }, prefix: string): string {
  const rest = location.pathname.startsWith(prefix) ? location.pathname.slice(prefix.length) : location.pathname;
  return `${rest || '/'}${location.search}`;
}

/** Whether a preview port is one a person can ask for. */
export function validPort(value: string): number | null {
  const port = Number(value);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : null;
}
