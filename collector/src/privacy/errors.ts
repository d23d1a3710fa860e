/**
 * The one error type of the privacy module. Its messages are fixed texts chosen here: they never
 * carry a raw IP address, user agent or URL, and neither does anything attached to the error
 * (no `cause`: library and driver errors can quote their input, and a store error can quote a
 * salt).
 */

/** Stable codes of {@link PrivacyError}. */
export type PrivacyErrorCode = 'invalid_trusted_proxy' | 'salt_unavailable' | 'country_database_unavailable';

/**
 * Something the privacy module could not do. Safe to log as a whole: the message names what
 * failed, never the visitor input it was working on.
 */
export class PrivacyError extends Error {
  override readonly name = 'PrivacyError';
  /** What failed, for callers that branch on it. */
  readonly code: PrivacyErrorCode;
  /**
   * The SQLSTATE of the store error behind a `salt_unavailable`, if the database answered (the
   * store error itself is not attached: its parameters and detail can hold a salt).
   */
  readonly sqlState: string | undefined;

  /**
   * @param code what failed
   * @param message a fixed text, or one that names configuration only (never visitor input)
   * @param sqlState see {@link PrivacyError.sqlState}
   */
  constructor(code: PrivacyErrorCode, message: string, sqlState?: string) {
    super(message);
    this.code = code;
    this.sqlState = sqlState;
  }
}
