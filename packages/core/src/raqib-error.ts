/** Stable machine-readable error codes. Add new codes here; never reuse one for a different meaning. */
export type RaqibErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'INPUT_NOT_FOUND'
  | 'IMAGE_DECODE_FAILED'
  | 'GROUND_TRUTH_INVALID'
  | 'GROUND_TRUTH_MISSING'
  | 'DATASET_INVALID'
  | 'MODEL_LOAD_FAILED'
  | 'INFERENCE_FAILED'
  | 'SOURCE_FAILED'
  | 'SOURCE_LOST'
  | 'TELEMETRY_INVALID'
  | 'ZONES_INVALID'
  | 'CALIBRATION_INVALID'
  | 'GEOREFERENCE_MISSING'
  | 'RULES_INVALID'
  | 'NOTIFY_INVALID'
  /** An output folder that cannot hold the results (a file, a system folder, not writable). */
  | 'OUTPUT_INVALID'
  /** An output could not be written (e.g. the video encoder failed). */
  | 'OUTPUT_FAILED'
  /** The database could not be opened, migrated, read or written. */
  | 'STORAGE_FAILED'
  /** The database cannot be reached right now (down, restarting, network); retry later. */
  | 'STORAGE_UNAVAILABLE'
  /** A stored thing (event, stream, alert, user, token) does not exist. */
  | 'NOT_FOUND'
  /** The request conflicts with the stored state (duplicate id, alert already resolved, ...). */
  | 'CONFLICT'
  /** No valid credentials (session, API token, password). */
  | 'UNAUTHENTICATED'
  /** Valid credentials whose role is below what the action needs. */
  | 'FORBIDDEN'
  /** Too many attempts (e.g. logins); retry later. */
  | 'RATE_LIMITED'
  /** The audit log's hash chain does not verify (a row was changed, removed or inserted). */
  | 'AUDIT_CHAIN_BROKEN'
  /** The message bus (NATS) cannot be reached right now (down, restarting, network); retry later. */
  | 'BUS_UNAVAILABLE'
  /** The message bus (NATS) refused this client's credentials (user/password, nkey, creds file). */
  | 'BUS_AUTH_FAILED'
  /** The message bus answered with an error (stream or bucket config, a publish not acknowledged). */
  | 'BUS_FAILED'
  | 'USAGE';

/**
 * The one error type of Raqib. `code` is stable and safe to show; `message` says what was wrong,
 * where, and what to do. The underlying error, if any, is kept in `cause`.
 *
 * @example throw new RaqibError('INPUT_INVALID', 'photo.txt: not an image (unsupported format)');
 */
export class RaqibError extends Error {
  readonly code: RaqibErrorCode;

  constructor(code: RaqibErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RaqibError';
    this.code = code;
  }
}

/** True when `error` is a {@link RaqibError}, optionally with the given code. */
export function isRaqibError(error: unknown, code?: RaqibErrorCode): error is RaqibError {
  return error instanceof RaqibError && (code === undefined || error.code === code);
}
