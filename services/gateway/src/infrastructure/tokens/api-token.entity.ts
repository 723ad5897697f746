import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../../domain/role';

/** A row of `gateway.api_tokens`: a token known by its sha256 only, live until revoked or expired. */
@Entity({ schema: 'gateway', name: 'api_tokens' })
export class ApiToken {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Checked by the table (viewer, operator, admin). */
  @Column({ type: 'text' })
  role: Role;

  @Column({ name: 'token_hash', type: 'text', unique: true })
  tokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** When the token stops being accepted; null: never. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;
}
