import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminUsersService } from '../../admin/admin-users.service.js';
import { AuditService, type AuditEventView, type AuditFilter } from '../../audit/audit.service.js';
import { AdminPage } from '../../auth/auth.decorator.js';
import { encodeCursor } from '../../platform/http/pagination.js';
import { sendPage } from '../../platform/html/page.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { UsersService } from '../../users/users.service.js';
import { sessionNav } from '../nav.js';
import { signedIn } from '../portal-pages.service.js';
import { auditCsv, CSV_MAX_ROWS } from './audit-csv.js';
import { parseAuditQuery, queryString, type AuditQuery } from './admin-query.js';
import { auditPage } from './audit.views.js';
import { PAGE } from './admin-portal.controller.js';

type Filtered =
  { ok: true; filter: AuditFilter; raw: Record<string, string>; q: AuditQuery } | { ok: false; raw: Record<string, string>; errors: Record<string, string> };

/**
 * The audit log of the console: filters (UTC times), key/value details with links to the users and
 * clients named, Previous/Next paging (keyset), and the CSV export of the same filter.
 */
@ApiExcludeController()
@Controller('portal/admin/audit')
export class AdminAuditController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly adminUsers: AdminUsersService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @AdminPage()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: unknown): Promise<void> {
    const f = await this.filter(query);
    if (!f.ok) return this.page(req, reply, 400, auditPage({ raw: f.raw, errors: f.errors, events: [], users: new Map() }));
    const { cursor, before, ...kept } = f.raw;
    const base = '/portal/admin/audit';
    let events: AuditEventView[];
    let next: string | undefined;
    let previous: string | undefined;
    if (before) {
      const page = await this.audit.listBefore(f.filter, PAGE, before);
      events = page.data;
      if (page.more) previous = `${base}${queryString({ ...kept, before: cursorOf(events[0]) })}`;
      if (events.length) next = `${base}${queryString({ ...kept, cursor: cursorOf(events[events.length - 1]) })}`;
    } else {
      const page = await this.audit.list(f.filter, PAGE, cursor);
      events = page.data;
      if (page.next_cursor) next = `${base}${queryString({ ...kept, cursor: page.next_cursor })}`;
      if (cursor && events.length) previous = `${base}${queryString({ ...kept, before: cursorOf(events[0]) })}`;
    }
    const first = cursor || before ? `${base}${queryString(kept)}` : undefined;
    const users = await this.adminUsers.emails(
      events.flatMap((e) => [e.actor_user_id, e.target, ...Object.values(e.details ?? {}).filter((v) => typeof v === 'string')]),
    );
    this.page(req, reply, 200, auditPage({ raw: f.raw, errors: {}, events, users, next, previous, first }));
  }

  /** The events of the filter (not only the page shown) as CSV: UTF-8, CRLF, every field quoted, formulas neutralised. */
  @Get('export')
  @AdminPage()
  async export(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: unknown): Promise<void> {
    const f = await this.filter(query);
    if (!f.ok) return this.page(req, reply, 400, auditPage({ raw: f.raw, errors: f.errors, events: [], users: new Map() }));
    const events = await this.audit.listAll(f.filter, CSV_MAX_ROWS);
    const users = await this.adminUsers.emails(events.flatMap((e) => [e.actor_user_id, e.target]));
    const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
    void reply
      .status(200)
      .headers({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="gatehouse-audit-${stamp}Z.csv"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      })
      .send(auditCsv(events, users));
  }

  /** The query as a filter; an actor given as an email must name a user. */
  private async filter(query: unknown): Promise<Filtered> {
    const parsed = parseAuditQuery(query);
    if (!parsed.ok) return { ok: false, raw: parsed.raw, errors: parsed.errors };
    const q = parsed.value;
    const filter: AuditFilter = { type: q.type, outcome: q.outcome, since: q.since, until: q.until };
    if (q.actor && 'userId' in q.actor) filter.actorUserId = q.actor.userId;
    if (q.actor && 'clientId' in q.actor) filter.actorClientId = q.actor.clientId;
    if (q.actor && 'email' in q.actor) {
      const user = await this.users.findByEmail(q.actor.email);
      if (!user) return { ok: false, raw: parsed.raw, errors: { actor: 'No user has this email.' } };
      filter.actorUserId = user.id;
    }
    return { ok: true, filter, raw: parsed.raw, q };
  }

  private page(req: FastifyRequest, reply: FastifyReply, status: number, body: ReturnType<typeof auditPage>): void {
    const active = signedIn(req);
    const csrf = this.sessions.csrfToken(req, reply, active);
    sendPage(reply, status, 'Audit log', body, {}, { nav: sessionNav(active.user, csrf, 'admin'), wide: true });
  }
}

function cursorOf(e: AuditEventView): string {
  return encodeCursor({ createdAt: new Date(e.created_at), id: e.id });
}
