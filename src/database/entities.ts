import { ApiKey } from '../api-keys/api-key.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { Client } from '../clients/client.entity.js';
import { ClientSecret } from '../clients/client-secret.entity.js';
import { DataRecord } from '../data/data-record.entity.js';
import { SigningKey } from '../oauth/signing-key.entity.js';
import { AuthorizationCode } from '../oauth/store/authorization-code.entity.js';
import { Consent } from '../oauth/store/consent.entity.js';
import { Grant } from '../oauth/store/grant.entity.js';
import { RefreshToken } from '../oauth/store/refresh-token.entity.js';
import { RevokedAccessToken } from '../oauth/store/revoked-access-token.entity.js';
import { Session } from '../sessions/session.entity.js';
import { User } from '../users/user.entity.js';
import { Setting } from './setting.entity.js';

/** Every entity; the schema itself comes only from migrations/. */
export const ENTITIES = [
  User,
  Client,
  ClientSecret,
  SigningKey,
  Setting,
  ApiKey,
  DataRecord,
  Session,
  Consent,
  Grant,
  AuthorizationCode,
  RefreshToken,
  RevokedAccessToken,
  AuditEvent,
];
