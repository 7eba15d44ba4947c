import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * An asymmetric key that signs access tokens. The private part is encrypted with the master key
 * (AES-256-GCM); the public part is published in the JWKS from creation until every token it signed
 * has expired. A key signs from `activates_at` until a newer key activates.
 */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: 'ES256';

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: Record<string, string>;

  @Column({ name: 'private_key_enc', type: 'text' })
  privateKeyEnc: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'activates_at', type: 'timestamptz' })
  activatesAt: Date;
}
