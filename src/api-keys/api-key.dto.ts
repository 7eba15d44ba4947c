import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Type } from 'class-transformer';
import { PageQuery } from '../platform/http/pagination.js';
import { API_KEY_ENVIRONMENTS, type ApiKeyEnvironment } from './api-key-format.js';
import { KEY_FILTERS, type KeyFilter } from './api-key-filters.js';
import type { Provenance } from '../clients/lineage.js';

/** The scopes an API key may carry: the Data API's. Management and admin need a Bearer token. */
export const KEY_SCOPES = ['data:read', 'data:write'] as const;
export const MAX_GRACE_SECONDS = 30 * 86400;

/** The words of each field's DTO errors (the JSON API's `errors[].message` and the portal's messages alike). */
export const KEY_FIELD_WORDS = {
  name: 'Give the key a name (1 to 100 characters)',
  scopes: `Choose at least one scope: ${KEY_SCOPES.join(', ')}`,
  expires_at: 'Give the expiry as a date (YYYY-MM-DD) or an ISO 8601 time, in the future; or leave it empty for no expiry',
  expires_at_passed: 'The expiry has passed: choose a date in the future, or leave it empty for no expiry',
  grace_period_seconds: `Choose how long the old key keeps working: a whole number of seconds from 0 to ${MAX_GRACE_SECONDS} (30 days)`,
} as const;

export class CreateApiKeyDto {
  @ApiProperty({ example: 'reporting job', maxLength: 100 })
  @IsString({ message: KEY_FIELD_WORDS.name })
  @MinLength(1, { message: KEY_FIELD_WORDS.name })
  @MaxLength(100, { message: KEY_FIELD_WORDS.name })
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  @Matches(/^[^\x00-\x1f\x7f]+$/, { message: 'The name cannot hold control characters (tabs, line breaks)' })
  name: string;

  @ApiProperty({ enum: KEY_SCOPES, isArray: true, example: ['data:read'] })
  @IsArray({ message: KEY_FIELD_WORDS.scopes })
  @ArrayMinSize(1, { message: KEY_FIELD_WORDS.scopes })
  @ArrayMaxSize(KEY_SCOPES.length, { message: KEY_FIELD_WORDS.scopes })
  @IsIn(KEY_SCOPES, { each: true, message: `Each scope is one of: ${KEY_SCOPES.join(', ')}` })
  scopes: string[];

  @ApiPropertyOptional({ description: 'When the key stops working (ISO 8601, in the future); none = no expiry', example: '2027-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: KEY_FIELD_WORDS.expires_at })
  expires_at?: string;

  @ApiPropertyOptional({
    enum: API_KEY_ENVIRONMENTS,
    default: 'live',
    description: 'Only the prefix: gth_live_ or gth_test_, so scanners and people can tell them apart',
  })
  @IsOptional()
  @IsIn(API_KEY_ENVIRONMENTS)
  environment?: ApiKeyEnvironment;

  @ApiPropertyOptional({ description: "One of the owner's OAuth clients the key is for (client_id); the key's scopes must be within the client's" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  client_id?: string;
}

export class RotateApiKeyDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_GRACE_SECONDS, default: 86400, description: 'How long the old key keeps working; 0 = it stops now' })
  @IsOptional()
  @IsInt({ message: KEY_FIELD_WORDS.grace_period_seconds })
  @Min(0, { message: KEY_FIELD_WORDS.grace_period_seconds })
  @Max(MAX_GRACE_SECONDS, { message: KEY_FIELD_WORDS.grace_period_seconds })
  grace_period_seconds?: number;
}

export class RenameApiKeyDto {
  @ApiProperty({ example: 'nightly export', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  @Matches(/^[^\x00-\x1f\x7f]+$/, { message: 'name must not contain control characters' })
  name: string;
}

export class ApiKeysQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: KEY_FILTERS,
    description: 'current: working now (active and rotating); active: not rotated; rotating: rotated, working until its grace period ends; none: all',
  })
  @IsOptional()
  @IsIn(KEY_FILTERS)
  @Type(() => String)
  status?: KeyFilter;
}

export class AdminApiKeysQuery extends PageQuery {
  @ApiPropertyOptional({ description: "Only this user's keys" })
  @IsOptional()
  @IsUUID()
  @Type(() => String)
  owner_id?: string;
}

export interface ApiKeyView extends Provenance {
  id: string;
  name: string;
  /** The kind prefix and the public id part, never the secret: `gth_live_AbC123xYz789`. */
  start: string;
  last4: string;
  environment: ApiKeyEnvironment;
  scopes: string[];
  client_id: string | null;
  owner_id: string;
  status: 'active' | 'expired' | 'revoked';
  expires_at: string | null;
  revoked_at: string | null;
  rotated_from: string | null;
  /** When it was rotated: it works until expires_at (the end of its grace period), then stops. */
  rotated_at: string | null;
  created_at: string;
  last_used_at: string | null;
}

export interface CreatedApiKey extends ApiKeyView {
  /** The key itself: shown this once, never again. */
  key: string;
}

export interface RotatedApiKey extends CreatedApiKey {
  previous_key_expires_at: string;
}
