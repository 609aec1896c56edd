/** An RFC 9457 problem as Berth's API answers errors. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: { field: string; message: string }[];
}

/** A refused or failed API call; {@link message} is what a person should read. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problem: Problem | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The problem's stable type without its `urn:berth:problem:` prefix, e.g. `quota-exceeded`. */
  get slug(): string | null {
    const type = this.problem?.type;
    return type ? type.replace(/^urn:berth:problem:/, '') : null;
  }
}

const GENERIC: Record<number, string> = {
  400: 'The request was refused as invalid',
  401: 'You are not signed in, or your token has expired',
  403: 'You are not allowed to do this',
  404: 'Not found',
  409: 'Not possible in the current state',
  413: 'Too large',
  429: 'Too many requests; try again shortly',
  502: 'A service behind the gateway did not answer',
  503: 'A service is unavailable; try again shortly',
  504: 'A service took too long to answer',
};

/** Reads a problem from a response body, or null when the body is not one. */
export function parseProblem(body: string, contentType: string | null): Problem | null {
  if (!body || !(contentType ?? '').includes('json')) {
    return null;
  }
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Problem) : null;
  } catch {
    return null;
  }
}

/** The error for a failed response: the problem's detail when it has one, else a sentence for the status. */
export function errorFor(status: number, body: string, contentType: string | null): ApiError {
  const problem = parseProblem(body, contentType);
  const message =
    problem?.detail?.trim() ||
    problem?.title?.trim() ||
    GENERIC[status] ||
    (status >= 500 ? `The server failed (HTTP ${status})` : `The request failed (HTTP ${status})`);
  return new ApiError(status, message, problem);
}

/** What to show a person for any error thrown by the client. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    return error.message;
  }
  if (error instanceof TypeError) {
    return 'The server could not be reached; check your connection';
  }
  return error instanceof Error ? error.message : String(error);
}
