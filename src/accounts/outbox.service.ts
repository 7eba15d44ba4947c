import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { MailMessage, MailOutbox } from '../platform/email/mailer.js';
import { decodeCursor, toPage, type Page } from '../platform/http/pagination.js';
import { isUuid } from '../users/users.service.js';
import { OutboxMessage } from './outbox-message.entity.js';

export interface OutboxView {
  id: string;
  to: string;
  from: string;
  subject: string;
  body: string;
  created_at: string;
}

function toView(m: OutboxMessage): OutboxView {
  return { id: m.id, to: m.to, from: m.from, subject: m.subject, body: m.body, created_at: m.createdAt.toISOString() };
}

/** The outbox (no SMTP_URL): every message is kept here, and the admin console lists it, newest first. */
@Injectable()
export class OutboxService implements MailOutbox {
  constructor(@InjectRepository(OutboxMessage) private readonly messages: Repository<OutboxMessage>) {}

  async keep(message: MailMessage & { from: string }): Promise<void> {
    await this.messages.insert({ to: message.to, from: message.from, subject: message.subject, body: message.text });
  }

  async list(limit: number, cursor: string | undefined): Promise<Page<OutboxView>> {
    const after = decodeCursor(cursor);
    const qb = this.messages
      .createQueryBuilder('m')
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(limit + 1);
    if (after) qb.where('(m.created_at, m.id) < (:at, :id)', { at: after.createdAt, id: after.id });
    return toPage(await qb.getMany(), limit, toView);
  }

  async get(id: string): Promise<OutboxView | null> {
    const m = isUuid(id) ? await this.messages.findOneBy({ id }) : null;
    return m ? toView(m) : null;
  }
}
