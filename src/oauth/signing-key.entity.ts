import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { SigningAlg } from './jws.js';

/**
 * An asymmetric key that signs access tokens: ES256 on P-256, or RS256 on 2048-bit RSA. The private
 * part is encrypted with the master key (AES-256-GCM); the public part is published in the JWKS from
 * creation until every token it signed has expired. A key signs from `activates_at` until a newer key of its algorithm activates.
 */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: SigningAlg;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: Record<string, string>;

  @Column({ name: 'private_key_enc', type: 'text' })
  privateKeyEnc: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'activates_at', type: 'timestamptz' })
  activatesAt: Date;
}
