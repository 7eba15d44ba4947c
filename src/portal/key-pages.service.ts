import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiKeyLifecycleService } from '../api-keys/api-key-lifecycle.service.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { keyPage } from './keys.views.js';
import type { FieldErrors } from './portal-form.js';
import { PortalPages, type PortalContext } from './portal-pages.service.js';

/** One API key's page (details, rotation pair, rotate, rename, revoke), with the errors of whichever form was sent. */
@Injectable()
export class KeyPages {
  constructor(
    private readonly pages: PortalPages,
    private readonly keys: ApiKeysService,
    private readonly lifecycle: ApiKeyLifecycleService,
  ) {}

  async render(
    reply: FastifyReply,
    ctx: PortalContext,
    status: number,
    id: string,
    opts: { errors?: FieldErrors; rename?: { value: string; errors: FieldErrors }; notice?: string } = {},
  ): Promise<void> {
    const key = await this.keys.get(ctx.principal, id); // another user's key: 404
    const successor = key.rotated_at ? (await this.lifecycle.successors(key.owner_id, [key.id])).get(key.id) : undefined;
    const body = keyPage({
      csrf: ctx.csrf,
      key,
      successor,
      errors: opts.errors ?? {},
      rename: opts.rename ?? { value: key.name, errors: {} },
      notice: opts.notice,
    });
    this.pages.send(reply, ctx, status, `API key ${key.name}`, body, { current: 'keys' });
  }
}
