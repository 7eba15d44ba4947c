import { SMTPServer } from 'smtp-server';
import type { TestApp } from './app.js';
import { eventually, freePort } from './app.js';

/** The token of the first link to `path` (`/portal/verify-email`, `/portal/reset-password`, `/portal/invite`) in a message. */
export function linkIn(text: string, path: string): { url: string; token: string } {
  const m = new RegExp(`(https?://[^\\s"<>]+${path})\\?token=([A-Za-z0-9_-]{43})`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text.slice(0, 500)}`);
  return { url: `${m[1]}?token=${m[2]}`, token: m[2] };
}

export interface KeptMail {
  to: string;
  subject: string;
  body: string;
}

/** The messages the outbox holds for `to`, newest first. */
export async function outboxFor(app: TestApp, to: string): Promise<KeptMail[]> {
  return app.running.db.dataSource.query<KeptMail[]>(
    'SELECT to_address AS "to", subject, body FROM mail_outbox WHERE to_address = $1 ORDER BY created_at DESC, id DESC',
    [to],
  );
}

/** Waits for the `n`th message to `to` in the outbox (emails are sent after the answer) and returns the newest. */
export async function nextOutboxMail(app: TestApp, to: string, n = 1): Promise<KeptMail> {
  await eventually(async () => (await outboxFor(app, to)).length >= n, 5000);
  return (await outboxFor(app, to))[0];
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server (smtp-server) on 127.0.0.1 and a free port, keeping every message it receives. */
export async function startSmtpServer(): Promise<{ url: string; received: ReceivedMail[]; close: () => Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The body of a received message, with quoted-printable soft line breaks and escapes undone. */
export function plainBody(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(raw)) return body;
  return body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Waits for a message to `to` on the SMTP server and returns the newest. */
export async function nextSmtpMail(received: ReceivedMail[], to: string, n = 1): Promise<ReceivedMail> {
  await eventually(() => Promise.resolve(received.filter((m) => m.to.includes(to)).length >= n), 8000);
  return received.filter((m) => m.to.includes(to)).at(-1)!;
}
