import { ApiProperty } from '@nestjs/swagger';

/** RFC 9728 protected resource metadata of the `/v1` API. */
export class ProtectedResourceMetadata {
  @ApiProperty({ type: String, example: 'https://auth.example.com/v1', description: "The resource identifier: the access tokens' audience (API_AUDIENCE)" })
  resource: string;

  @ApiProperty({ type: String, example: 'Gatehouse API' })
  resource_name: string;

  @ApiProperty({ type: [String], example: ['https://auth.example.com'], description: 'The issuer whose tokens this API accepts (its RFC 8414 metadata)' })
  authorization_servers: string[];

  @ApiProperty({ type: [String], example: ['users:read', 'data:read'], description: 'The scopes of the API (the OpenID Connect ones are not listed)' })
  scopes_supported: string[];

  @ApiProperty({ enum: ['header'], isArray: true, description: 'Authorization: Bearer only: tokens in a query or form body are refused' })
  bearer_methods_supported: string[];

  @ApiProperty({ type: String, format: 'uri', description: "The keys that verify the access tokens (the authorization server's)" })
  jwks_uri: string;

  @ApiProperty({ type: String, format: 'uri', description: 'This API description (/docs)' })
  resource_documentation: string;
}
