export const STATUSES = ['REQUESTED', 'PROVISIONING', 'RUNNING', 'STOPPED', 'TERMINATING', 'TERMINATED',
  'FAILED'] as const;

export type SessionStatus = (typeof STATUSES)[number];

/** Statuses of a session that still holds (or is about to hold) a container and a lease. */
export const LIVE_STATUSES: readonly SessionStatus[] = ['REQUESTED', 'PROVISIONING', 'RUNNING', 'STOPPED'];

export interface Session {
  id: string;
  owner: string;
  projectId: string | null;
  template: string | null;
  image: string;
  status: SessionStatus;
  statusReason: string | null;
  terminationReason: string | null;
  nodeId: string | null;
  /** In the template's order; the first is the one reached when no container is named. */
  containers?: SessionContainer[];
  ports: number[];
  version: number;
  createdAt: string;
  updatedAt: string | null;
  expiresAt: string | null;
  remainingSeconds: number;
  runningAt: string | null;
  endedAt: string | null;
}

export interface SessionContainer {
  name: string;
  image: string;
}

export interface Template {
  name: string;
  description: string | null;
  enabled: boolean;
  containers: { name: string; image: string }[];
}

export interface SessionPage {
  items: Session[];
  page: number;
  size: number;
  totalItems: number;
  totalPages: number;
}

export interface Images {
  defaultImage: string;
  allowedImages: string[];
}

export interface Ticket {
  ticket: string;
  expiresAt: string;
}

export interface TerminalInfo {
  id: string;
  /** The session's container it runs in. */
  container: string;
  status: 'RUNNING' | 'EXITED';
  exitCode: number | null;
  cols: number;
  rows: number;
  createdAt: string;
}

export interface OpenedTerminal extends TerminalInfo {
  ticket: string;
}

export interface PreviewLink {
  ticket: string;
  expiresAt: string;
  url: string;
  pathUrl: string;
}

export interface LeaseExtension {
  expiresAt: string;
  capped: boolean;
  maxExpiresAt: string;
}

export interface FileEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  mode: string | number | null;
  modifiedAt: string | null;
}
