import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OutboxService } from '../../accounts/outbox.service.js';
import { AdminPage } from '../../auth/auth.decorator.js';
import { Mailer } from '../../platform/email/mailer.js';
import type { SafeHtml } from '../../platform/html/html.js';
import { sendErrorPage, sendPage } from '../../platform/html/page.js';
import { ProblemError } from '../../platform/http/problem.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { sessionNav } from '../nav.js';
import { signedIn } from '../portal-pages.service.js';
import { queryString, readQuery } from './admin-query.js';
import { messagePage, outboxPage } from './admin-outbox.views.js';

const PAGE = 50;

/** The outbox in the admin console: the emails kept instead of sent (no SMTP_URL), newest first, each readable. */
@ApiExcludeController()
@Controller('portal/admin/outbox')
export class AdminOutboxController {
  constructor(
    private readonly outbox: OutboxService,
    private readonly mailer: Mailer,
    private readonly sessions: SessionsService,
  ) {}

  @Get()
  @AdminPage()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: unknown): Promise<void> {
    const { raw, errors } = readQuery(query, ['cursor']);
    if (errors.cursor) return void sendErrorPage(reply, 400, 'This page link is not valid', errors.cursor);
    let page;
    try {
      page = await this.outbox.list(PAGE, raw.cursor);
    } catch (err) {
      if (err instanceof ProblemError && err.status === 400) return void sendErrorPage(reply, 400, 'This page link is not valid', err.detail);
      throw err;
    }
    const next = page.next_cursor ? `/portal/admin/outbox${queryString({ cursor: page.next_cursor })}` : undefined;
    const first = raw.cursor ? '/portal/admin/outbox' : undefined;
    this.send(req, reply, 200, 'Outbox', outboxPage({ mode: this.mailer.mode, messages: page.data, next, first }));
  }

  @Get(':id')
  @AdminPage()
  async read(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const message = await this.outbox.get(id);
    if (!message) return void sendErrorPage(reply, 404, 'Not found', 'There is no email with this id in the outbox.');
    this.send(req, reply, 200, message.subject, messagePage(message));
  }

  private send(req: FastifyRequest, reply: FastifyReply, status: number, title: string, body: SafeHtml): void {
    const active = signedIn(req);
    sendPage(reply, status, title, body, {}, { nav: sessionNav(active.user, this.sessions.csrfToken(req, reply, active), 'admin'), wide: true });
  }
}
