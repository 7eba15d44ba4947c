import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Principal } from '../auth/principal.js';
import { PageQuery, type Page } from '../platform/http/pagination.js';
import { ProblemError } from '../platform/http/problem.js';
import { DirectoryService, type DirectoryScope } from './directory.service.js';
import { toUserView, UsersService, type UserView } from '../users/users.service.js';
import { UserPage, UserResponse } from '../users/users.responses.js';

const WHO =
  "Admins, and clients acting for themselves (client credentials) that are owned by an admin, made by an operator, or allowed the whole directory by an admin (`directory_access`), see every user. Any other caller sees only its own record: the token's user (authorization code flow) or the owner of the client.";

@ApiTags('Users')
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly directory: DirectoryService,
  ) {}

  @Get()
  @Auth({ schemes: ['bearer'], scopes: ['users:read'] })
  @ApiOperation({ summary: 'List the users the caller may see, newest first', description: WHO })
  @ApiOkResponse({ type: UserPage })
  list(@Caller() caller: Principal, @Query() q: PageQuery): Promise<Page<UserView>> {
    const scope = this.directory.scopeNow(caller);
    // The hot read (a cached answer that the caller sees everyone) stays one statement.
    if (scope?.all) return this.users.list(q.limit ?? 20, q.cursor);
    return this.listIn(scope ?? this.directory.scopeOf(caller), q);
  }

  /** Declared before ':id' so that "me" is not taken for an id. */
  @Get('me')
  @Auth({ schemes: ['bearer'], scopes: ['profile'] })
  @ApiOperation({ summary: 'The signed-in user (a token from the authorization code flow with scope profile)' })
  @ApiOkResponse({ type: UserResponse })
  async me(@Caller() caller: Principal): Promise<UserView> {
    if (caller.kind !== 'user' || !caller.userId) {
      throw ProblemError.forbidden('This endpoint needs a token issued to a user (the authorization code flow), not to a client acting for itself');
    }
    return toUserView(await this.users.get(caller.userId));
  }

  @Get(':id')
  @Auth({ schemes: ['bearer'], scopes: ['users:read'] })
  @ApiOperation({ summary: 'One user the caller may see', description: `${WHO} Any other id answers 404, as an unknown one.` })
  @ApiOkResponse({ type: UserResponse })
  @ApiNotFoundResponse({ description: 'No such user, or one the caller may not see' })
  async get(@Caller() caller: Principal, @Param('id') id: string): Promise<UserView> {
    const scope = await this.directory.scopeOf(caller);
    if (!scope.all && scope.userId !== id) throw ProblemError.notFound(`User ${id.slice(0, 64)}`);
    return toUserView(await this.users.get(id));
  }

  private async listIn(scope: DirectoryScope | Promise<DirectoryScope>, q: PageQuery): Promise<Page<UserView>> {
    const s = await scope;
    return s.all ? this.users.list(q.limit ?? 20, q.cursor) : this.users.listOnly(s.userId, q.cursor);
  }
}
