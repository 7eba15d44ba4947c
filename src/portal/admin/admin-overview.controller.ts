import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OverviewService } from '../../admin/overview.service.js';
import { AdminPage } from '../../auth/auth.decorator.js';
import { sendErrorPage, sendPage } from '../../platform/html/page.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { sessionNav } from '../nav.js';
import { signedIn } from '../portal-pages.service.js';
import { readQuery } from './admin-query.js';
import { overviewPage } from './overview.views.js';

/** `/portal/admin`: the overview (counts and server-drawn charts, busiest and unused credentials); no script. */
@ApiExcludeController()
@Controller('portal/admin')
export class AdminOverviewController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly overview: OverviewService,
  ) {}

  @Get()
  @AdminPage()
  async index(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: unknown): Promise<void> {
    const { raw, errors } = readQuery(query, ['window']);
    const window = raw.window ?? '24h';
    if (errors.window || (window !== '24h' && window !== '30d')) {
      return void sendErrorPage(reply, 400, 'This link is not valid', 'Choose the last 24 hours (window=24h) or the last 30 days (window=30d).');
    }
    const data = await this.overview.overview(window);
    const active = signedIn(req);
    const csrf = this.sessions.csrfToken(req, reply, active);
    sendPage(reply, 200, 'Overview', overviewPage(data), {}, { nav: sessionNav(active.user, csrf, 'admin'), wide: true });
  }
}
