import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import { PageQuery, type Page } from '../common/pagination.js';
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

  @Get(':id')
  @Auth({ schemes: ['bearer'], scopes: ['users:read'] })
  @ApiOperation({ summary: 'One user' })
  async get(@Param('id') id: string): Promise<UserView> {
    return toUserView(await this.users.get(id));
  }
}
