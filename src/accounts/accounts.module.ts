import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MAIL_OUTBOX, Mailer } from '../platform/email/mailer.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { User } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { AccountMail } from './account-mail.service.js';
import { AccountToken } from './account-token.entity.js';
import { AccountTokensService } from './account-tokens.service.js';
import { AccountsService } from './accounts.service.js';
import { AdminAccountsService } from './admin-accounts.service.js';
import { OutboxMessage } from './outbox-message.entity.js';
import { OutboxService } from './outbox.service.js';

/** The entities this module owns; the data source is built from every module's list. */
export const ACCOUNTS_ENTITIES = [AccountToken, OutboxMessage];

/**
 * The account lifecycle: email (the platform's Mailer, with this module's outbox when SMTP_URL is
 * unset), the links sent by email, password change and reset, email verification, invitations.
 * The pages are the portal's; this module holds the rules.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AccountToken, OutboxMessage, User]), UsersModule, SessionsModule],
  providers: [
    OutboxService,
    { provide: MAIL_OUTBOX, useExisting: OutboxService },
    Mailer,
    AccountTokensService,
    AccountMail,
    AccountsService,
    AdminAccountsService,
  ],
  exports: [Mailer, OutboxService, AccountsService, AdminAccountsService],
})
export class AccountsModule {}
