import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ALL_SCOPES } from '../auth/scopes.js';
import { ClientsService } from '../clients/clients.service.js';
import { randomBase62 } from '../platform/crypto.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { UsersService } from '../users/users.service.js';

export interface FirstStart {
  adminEmail: string;
  /** Only when it was generated: printed once, never stored in clear. */
  generatedAdminPassword?: string;
  demoClient?: { clientId: string; clientSecret: string };
}

const BOOTSTRAP_LOCK = 7_404_117_003;
/** The first-party public client behind Swagger UI's Authorize button (code flow with PKCE). */
export const SWAGGER_CLIENT_ID = 'gatehouse-swagger-ui';

/**
 * First start on an empty database: the first admin (ADMIN_EMAIL / ADMIN_PASSWORD, or a generated
 * password printed once) and, outside production, a demo client so the guide's curl works at once.
 * Several instances starting together agree through an advisory lock.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapService.name);
  firstStart: FirstStart | undefined;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly clients: ClientsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.bootstrap) return;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [BOOTSTRAP_LOCK]);
      await this.ensureSwaggerClient();
      if ((await this.users.count()) > 0) return;
      const password = this.config.adminPassword ?? randomBase62(20);
      const admin = await this.users.create({ email: this.config.adminEmail, password, role: 'admin', displayName: 'Administrator' });
      const first: FirstStart = { adminEmail: admin.email, generatedAdminPassword: this.config.adminPassword ? undefined : password };
      if (!this.config.production) {
        const { client, clientSecret } = await this.clients.create({
          name: 'Demo client',
          type: 'confidential',
          ownerId: admin.id,
          grantTypes: ['client_credentials'],
          scopes: ['users:read', 'data:read', 'data:write'],
          redirectUris: [],
        });
        first.demoClient = { clientId: client.clientId, clientSecret: clientSecret! };
      }
      this.firstStart = first;
      this.logger.log(`first start: created admin ${admin.email}${first.demoClient ? ' and a demo client' : ''}`);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [BOOTSTRAP_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * Registered at every start with exactly this PUBLIC_URL's redirect URI: the URIs of an earlier
   * PUBLIC_URL are removed (this client skips consent and may ask for admin, so a stale or loopback
   * URI would hand its codes to whoever serves it). A web client: its loopback URIs, if PUBLIC_URL is
   * one, match on their exact port only.
   */
  private async ensureSwaggerClient(): Promise<void> {
    const redirectUri = `${this.config.publicUrl}/docs/oauth2-redirect.html`;
    const existing = await this.clients.findByClientId(SWAGGER_CLIENT_ID);
    if (!existing) {
      await this.clients.create({
        clientId: SWAGGER_CLIENT_ID,
        name: 'Gatehouse API docs (Swagger UI)',
        type: 'public',
        ownerId: null,
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: [...ALL_SCOPES],
        redirectUris: [redirectUri],
        applicationType: 'web',
        firstParty: true,
      });
    } else if (existing.redirectUris.length !== 1 || existing.redirectUris[0] !== redirectUri || existing.applicationType !== 'web') {
      await this.clients.update(existing, { redirectUris: [redirectUri], applicationType: 'web' });
    }
  }
}
