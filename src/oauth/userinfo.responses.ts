import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenID Connect Core 5.3.2: the UserInfo response (`UserClaims` in id-token.service.ts). */
export class UserInfoResponse {
  @ApiProperty({ type: String, format: 'uuid', description: "The user's id: the sub of the ID token and of the access token" })
  sub: string;

  @ApiPropertyOptional({ type: String, description: 'Scope profile, when the user set a display name', example: 'Ada Lovelace' })
  name?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'Scope profile: when the account last changed (seconds since the epoch)' })
  updated_at?: number;

  @ApiPropertyOptional({ type: String, format: 'email', description: 'Scope email' })
  email?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Scope email: true once the user opened a verification link sent to this address' })
  email_verified?: boolean;
}
