import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';

/** One plain-text email. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Where messages go when SMTP_URL is not set (the module that owns the outbox table provides it). */
export interface MailOutbox {
  keep(message: MailMessage & { from: string }): Promise<void>;
}

/** The injection token of the MailOutbox: platform code cannot import the feature that stores it. */
export const MAIL_OUTBOX = Symbol('MAIL_OUTBOX');

/**
 * Sends email: over SMTP (nodemailer) when SMTP_URL is set, otherwise into the outbox (development:
 * the admin console lists it). `send` never rejects: a failure is logged and answered `false`, so a
 * request never fails (or answers differently) because a mail server is down. Callers that must not
 * reveal whether a message was sent (forgot-password) do not wait for it.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger('Mailer');
  private readonly transport: Transporter | undefined;
  private readonly from: string;

  constructor(
    @InjectConfig() config: AppConfig,
    @Inject(MAIL_OUTBOX) private readonly outbox: MailOutbox,
  ) {
    this.from = config.mailFrom;
    this.transport = config.smtpUrl ? createTransport(config.smtpUrl) : undefined;
  }

  /** `smtp` when messages leave over SMTP, `outbox` when they stay in the database. */
  get mode(): 'smtp' | 'outbox' {
    return this.transport ? 'smtp' : 'outbox';
  }

  async send(message: MailMessage): Promise<boolean> {
    try {
      if (this.transport) await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
      else await this.outbox.keep({ ...message, from: this.from });
      return true;
    } catch (err) {
      this.logger.error(`email "${message.subject}" not sent (${this.mode}): ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
