import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import type { FastifyRequest } from 'fastify';
import { PageQuery, type Page } from '../common/pagination.js';
import { ProblemError } from '../common/problem.js';
import { toUserView, UsersService, type UserView } from './users.service.js';

@ApiTags('Users')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Auth({ schemes: ['bearer'], scopes: ['users:read'] })
  @ApiOperation({ summary: 'List the users of the platform, newest first' })
  @ApiOkResponse({ description: '{ data: User[], next_cursor }' })
  list(@Query() q: PageQuery): Promise<Page<UserView>> {
    return this.users.list(q.limit ?? 20, q.cursor);
  }

  /** Declared before ':id' so that "me" is not taken for an id. */
  @Get('me')
  @Auth({ schemes: ['bearer'], scopes: ['profile'] })
  @ApiOperation({ summary: 'The signed-in user (a token from the authorization code flow with scope profile)' })
  async me(@Req() req: FastifyRequest): Promise<UserView> {
    const principal = req.principal;
    if (!principal || principal.kind !== 'user' || !principal.userId) {
      throw ProblemError.forbidden('This endpoint needs a token issued to a user (the authorization code flow), not to a client acting for itself');
    }
    return toUserView(await this.users.get(principal.userId));
  }

  @Get(':id')
  @Auth({ schemes: ['bearer'], scopes: ['users:read'] })
  @ApiOperation({ summary: 'One user' })
  async get(@Param('id') id: string): Promise<UserView> {
    return toUserView(await this.users.get(id));
  }
}
