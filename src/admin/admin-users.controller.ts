import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Principal } from '../auth/principal.js';
import { CallerService } from '../clients/caller.service.js';
import type { Page } from '../platform/http/pagination.js';
import type { UserView } from '../users/users.service.js';
import { AdminUserQuery, AdminUserUpdate } from './admin-users.dto.js';
import { AdminUsersService } from './admin-users.service.js';
import { UserPage, UserResponse } from '../users/users.responses.js';

const auth = () => Auth({ schemes: ['bearer'], scopes: ['admin'], role: 'admin' });

/** Admins: find users, disable or enable them, change their role, unlock their sign-in. */
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
  @ApiOkResponse({ type: UserPage })
  async list(@Caller() caller: Principal, @Query() q: AdminUserQuery): Promise<Page<UserView>> {
    return this.users.list({ q: q.q, role: q.role, status: q.status }, q.limit ?? 20, q.cursor);
  }

  @Patch(':id')
  @auth()
  @ApiOperation({ summary: 'Disable, enable, or change the role of a user (not yourself)' })
  @ApiOkResponse({ type: UserResponse, description: 'The user after the change' })
  @ApiNotFoundResponse({ description: 'No such user' })
  async update(@Caller() caller: Principal, @Param('id') id: string, @Body() dto: AdminUserUpdate): Promise<UserView> {
    return this.users.update(await this.callers.of(caller), id, dto);
  }

  @Post(':id/unlock')
  @HttpCode(204)
  @auth()
  @ApiOperation({
    summary: 'Unlock sign-in: forget every failed sign-in counted against the account',
    description:
      "Failed sign-ins refuse an address that failed too often on an account (or on many accounts) and slow down every attempt on an account failing from many addresses. This forgets the account's counts, on every instance, at once; the limit of an address across all accounts is not touched. Audited as admin.user_unlocked.",
  })
  @ApiNoContentResponse({ description: 'Unlocked' })
  @ApiNotFoundResponse({ description: 'No such user' })
  async unlock(@Caller() caller: Principal, @Param('id') id: string): Promise<void> {
    await this.users.unlockSignIn(await this.callers.of(caller), id);
  }
}
