import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '../database/database-pool';
import { generateApiToken, hashApiToken } from './domain/api-token';
import type { Role } from './domain/role';

/** A stored token as listed: never its secret. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  created_at: Date;
  revoked_at: Date | null;
}

/** `gateway.api_tokens`: tokens stored as their sha256, shown in clear only once, at creation. */
@Injectable()
export class TokenRepository {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /** Creates a token; the answer is the only place its secret ever appears. */
  async create(role: Role, name?: string): Promise<ApiTokenRecord & { token: string }> {
    const id = randomUUID();
    const token = generateApiToken();
    const { rows } = await this.pool.query<TokenRow>(
      `INSERT INTO gateway.api_tokens (id, name, role, token_hash) VALUES ($1, $2, $3, $4)
       RETURNING id, name, role, created_at, revoked_at`,
      [id, name ?? `token-${id.slice(0, 8)}`, role, hashApiToken(token)],
    );
    return { ...toRecord(rows[0]), token };
  }

  /** The live (not revoked) token matching `token`, if any. */
  async findActive(token: string): Promise<ApiTokenRecord | undefined> {
    const { rows } = await this.pool.query<TokenRow>(
      `SELECT id, name, role, created_at, revoked_at FROM gateway.api_tokens
       WHERE token_hash = $1 AND revoked_at IS NULL`,
      [hashApiToken(token)],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(): Promise<ApiTokenRecord[]> {
    const { rows } = await this.pool.query<TokenRow>(
      `SELECT id, name, role, created_at, revoked_at FROM gateway.api_tokens ORDER BY created_at, id`,
    );
    return rows.map(toRecord);
  }

  /** Revokes a live token; false when there is no live token with this id. */
  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE gateway.api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
    return (rowCount ?? 0) > 0;
  }
}

function toRecord(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
  };
}
