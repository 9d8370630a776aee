/**
 * The application error shared by core, the database layer, the web app and the bot. Each code maps to one
 * kind of message a student can act on; nothing user-facing should ever be a stack trace.
 */
export type ErrorCode =
  | 'INVALID_CONFIG'
  | 'UNKNOWN_EXPERIMENT'
  | 'TIMEOUT'
  | 'MEMORY'
  | 'ABORTED'
  | 'INTERRUPTED'
  | 'FAILED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'LIMIT_REACHED'
  | 'CONFLICT';

/**
 * Codes that say nothing about the config: the platform stopped or lost the run (shutdown, a crashed
 * thread). Retrying the same run may succeed; every other code is final for that config.
 */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set(['ABORTED', 'INTERRUPTED']);

/** One invalid field of a configuration: its dotted name, what was expected and what was given. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
  readonly received?: unknown;
}

/** An error with a stable code and a message written for the student who caused it. */
export class PaperlabError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly FieldIssue[];
  constructor(code: ErrorCode, message: string, issues: readonly FieldIssue[] = []) {
    super(message);
    this.name = 'PaperlabError';
    this.code = code;
    this.issues = issues;
  }

  /** A plain object safe to send across threads, processes and HTTP. */
  toJSON(): { code: ErrorCode; message: string; issues: readonly FieldIssue[] } {
    return { code: this.code, message: this.message, issues: this.issues };
  }

  /** Rebuilds an error from `toJSON()` output. */
  static fromJSON(json: { code: ErrorCode; message: string; issues?: readonly FieldIssue[] }): PaperlabError {
    return new PaperlabError(json.code, json.message, json.issues ?? []);
  }
}

/** True when `e` is a PaperlabError, optionally of one code. */
export function isPaperlabError(e: unknown, code?: ErrorCode): e is PaperlabError {
  return e instanceof PaperlabError && (code === undefined || e.code === code);
}
