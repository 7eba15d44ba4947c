import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 6749 5.1: a successful token response (`TokenResponse` in grants/grant.ts). */
export class TokenResponseBody {
  @ApiProperty({ type: String, description: 'An ES256-signed JWT; verify it with the keys of /.well-known/jwks.json', example: 'eyJhbGciOiJFUzI1NiIs...' })
  access_token: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Seconds until the access token expires (ACCESS_TOKEN_TTL)', example: 900 })
  expires_in: number;

  @ApiProperty({ type: String, description: 'The granted scopes, space-separated (may be empty)', example: 'users:read data:read' })
  scope: string;

  @ApiPropertyOptional({ type: String, description: 'authorization_code and refresh_token grants only, when the client may refresh; a refresh rotates it' })
  refresh_token?: string;

  @ApiPropertyOptional({
    type: String,
    description:
      'OpenID Connect ID token (typ JWT, ES256, aud = your client_id), when the grant holds the openid scope: at the code exchange (with the nonce) and at each refresh',
  })
  id_token?: string;
}
