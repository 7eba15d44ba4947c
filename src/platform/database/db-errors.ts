/** Seconds a client should wait before retrying while the database is unreachable. */
export const DB_RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATE: 08xxx connection exceptions, 57P01-57P03 shutdown/cannot connect now, 57014 statement
// timeout (a stalled database), 53300 too many connections, 40001/40P01 are NOT here (they are retried).
const SQLSTATE = /^(08\d{3}|57P0[1-3]|57014|53300)$/;
const MESSAGES =
  /(Connection terminated|timeout exceeded when trying to connect|Connection refused|connect ECONNREFUSED|Client has encountered a connection error|Cannot use a pool after calling end|the database system is (starting up|shutting down)|terminating connection|Query read timeout)/i;

/** True for errors that mean "the database cannot be reached now" rather than a bug or bad input. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    const next = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
    if (next === e) break;
    e = next;
  }
  return false;
}

/** SQLSTATE classes that mean the input could not be stored (bad encoding, value too long, bad syntax for a type). */
const BAD_INPUT = /^(22021|22P05|22001|22P02|22007|22008|22003)$/;

/** True for database errors caused by a value the caller sent: a 400, never a 500. */
export function isBadInputDbError(err: unknown): boolean {
  const code = (err as { driverError?: { code?: unknown }; code?: unknown } | undefined)?.driverError?.code ?? (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && BAD_INPUT.test(code);
}
