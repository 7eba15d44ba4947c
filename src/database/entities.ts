import { ApiKey } from '../api-keys/api-key.entity.js';
import { Client } from '../clients/client.entity.js';
import { ClientSecret } from '../clients/client-secret.entity.js';
import { DataRecord } from '../data/data-record.entity.js';
import { SigningKey } from '../oauth/signing-key.entity.js';
import { User } from '../users/user.entity.js';
import { Setting } from './setting.entity.js';

/** Every entity; the schema itself comes only from migrations/. */
export const ENTITIES = [User, Client, ClientSecret, SigningKey, Setting, ApiKey, DataRecord];
