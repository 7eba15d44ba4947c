import type { EnvReader } from './env.js';

/** Outgoing email: SMTP_URL (unset: messages go to the outbox the admin console shows), MAIL_FROM. */
export interface MailSettings {
  /** `smtp://user:pass@host:587` or `smtps://...:465`; undefined keeps every message in the outbox. */
  readonly smtpUrl: string | undefined;
  /** The From header of every message. */
  readonly mailFrom: string;
}

export const DEFAULT_MAIL_FROM = 'Gatehouse <no-reply@gatehouse.local>';

export function mailSettings({ str, problem }: EnvReader): MailSettings {
  const smtpUrl = str('SMTP_URL');
  if (smtpUrl !== undefined) {
    let ok = false;
    try {
      const u = new URL(smtpUrl);
      ok = (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
    } catch {
      ok = false;
    }
    if (!ok) problem('SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587');
  }
  const mailFrom = str('MAIL_FROM') ?? DEFAULT_MAIL_FROM;
  // eslint-disable-next-line no-control-regex -- a header value: control characters (CR, LF) would inject headers
  if (mailFrom.length > 320 || /[\x00-\x1f\x7f]/.test(mailFrom) || !mailFrom.includes('@')) {
    problem('MAIL_FROM must be an address such as "Gatehouse <no-reply@example.com>" (at most 320 characters, one line)');
  }
  return { smtpUrl, mailFrom };
}
