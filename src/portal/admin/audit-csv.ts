import { detailPairs } from '../../audit/audit-details.js';
import type { AuditEventView } from '../../audit/audit.service.js';
import { redactSecrets } from './admin.views.js';

/** The most events one export holds (newest first). */
export const CSV_MAX_ROWS = 10_000;

const HEADER = ['time_utc', 'type', 'outcome', 'actor_user_id', 'actor_email', 'actor_client_id', 'target', 'target_email', 'ip', 'details'];

/**
 * One CSV field (RFC 4180): always quoted, quotes doubled. A value a spreadsheet would read as a
 * formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe (OWASP's
 * advice on CSV injection), so opening the export runs nothing.
 */
export function csvField(value: string | null | undefined): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return `"${v.replace(/"/g, '""')}"`;
}

export function auditCsv(events: readonly AuditEventView[], users: Map<string, string>): string {
  const lines = [HEADER.map(csvField).join(',')];
  for (const e of events) {
    const details = detailPairs(e.details)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    lines.push(
      [
        e.created_at,
        e.type,
        e.outcome,
        e.actor_user_id,
        e.actor_user_id ? users.get(e.actor_user_id) : '',
        e.actor_client_id,
        e.target ? redactSecrets(e.target) : '',
        e.target ? users.get(e.target) : '',
        e.ip,
        redactSecrets(details),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
