import { Body, Controller, Get, Param, Patch, Query, Req } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Auth } from '../auth/auth.decorator.js';
import { CallerService } from '../clients/caller.service.js';
import type { Page } from '../common/pagination.js';
import type { UserView } from '../users/users.service.js';
import { AdminUserQuery, AdminUserUpdate } from './admin-users.dto.js';
import { AdminUsersService } from './admin-users.service.js';

const auth = () => Auth({ schemes: ['bearer'], scopes: ['admin'] });

/** Admins: find users, disable or enable them, change their role. */
@ApiTags('Admin')
@Controller('v1/admin/users')
export class AdminUsersController {
  constructor(
    private readonly users: AdminUsersService,
    private readonly callers: CallerService,
  ) {}

  @Get()
  @auth()
  @ApiOperation({ summary: 'Users, newest first; filter by q (email or name), role, status' })
  @ApiOkResponse({ description: '{ data: [{ id, email, display_name, role, status, created_at }], next_cursor }' })
  async list(@Req() req: FastifyRequest, @Query() q: AdminUserQuery): Promise<Page<UserView>> {
    await this.callers.admin(req.principal);
    return this.users.list({ q: q.q, role: q.role, status: q.status }, q.limit ?? 20, q.cursor);
  }

  @Patch(':id')
  @auth()
  @ApiOperation({ summary: 'Disable, enable, or change the role of a user (not yourself)' })
  @ApiOkResponse({ description: 'The user after the change' })
  @ApiNotFoundResponse({ description: 'No such user' })
  async update(@Req() req: FastifyRequest, @Param('id') id: string, @Body() dto: AdminUserUpdate): Promise<UserView> {
    return this.users.update(await this.callers.admin(req.principal), id, dto);
  }
}
