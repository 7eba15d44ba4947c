import { Body, Controller, Get, Param, Patch, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { Auth } from '../auth/auth.decorator.js';
import { CallerService } from '../clients/caller.service.js';
import type { Page } from '../common/pagination.js';
import { ProblemError } from '../common/problem.js';
import { toUserView, UsersService, type UserView } from '../users/users.service.js';
import { AdminUserQuery, AdminUserUpdate } from './admin-users.dto.js';

const auth = () => Auth({ schemes: ['bearer'], scopes: ['admin'] });

/** Admins: find users, disable or enable them, change their role. */
@ApiTags('Admin')
@Controller('v1/admin/users')
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly callers: CallerService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @auth()
  @ApiOperation({ summary: 'Users, newest first; filter by q (email or name), role, status' })
  async list(@Req() req: FastifyRequest, @Query() q: AdminUserQuery): Promise<Page<UserView>> {
    await this.callers.admin(req.principal);
    return this.users.list(q.limit ?? 20, q.cursor, { q: q.q, role: q.role, status: q.status });
  }

  @Patch(':id')
  @auth()
  @ApiOperation({ summary: 'Disable, enable, or change the role of a user (not yourself)' })
  async update(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: AdminUserUpdate): Promise<UserView> {
    const caller = await this.callers.admin(req.principal);
    if (id === caller.userId) throw ProblemError.badRequest('You cannot disable yourself or change your own role: ask another admin');
    const user = await this.users.setStatusAndRole(id, dto);
    void this.audit.record({ type: 'admin.user_changed', actorUserId: caller.userId, target: user.id, details: { status: dto.status, role: dto.role } });
    return toUserView(user);
  }
}
