import { Inject, Injectable } from '@nestjs/common';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { hashApiToken } from '../../domain/api-token';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../gateway-config';
import type { Role } from '../../domain/role';
import { DATABASE_POOL } from '../../infrastructure/database/database-pool';
import type { Principal } from '../auth/principal';
import { adminSessionStands, adminTokenHashOf } from './admin-session';

/** A row of `gateway.sessions`: whose token opened it, its CSRF token, and its end. */
export interface StoredSession {
  hash: string;
  tokenId: string | null;
  tokenName: string;
  role: Role;
  csrfToken: string;
  expiresAt: string;
}

/** A session just opened: its id, for the cookie only, and its row. */
export interface OpenedSession {
  id: string;
  session: StoredSession;
}

interface SessionRow {
  session_hash: string;
  token_id: string | null;
  token_name: string;
  role: Role;
  csrf_token: string;
  expires_at: Date;
  admin_token_hash: string | null;
}

/**
 * `gateway.sessions`: browser sessions known by the sha256 of their id, asked of Postgres on each
 * request (not remembered, unlike tokens), so that signing out or revoking the token through any
 * replica ends the session everywhere at once. A session stands only while its token does (checked
 * in the same query, not left to the revocation trigger alone) and, for FEDERA_API_TOKEN, while
 * that is still the configured admin token.
 */
@Injectable()
export class SessionStore {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Opens a session for `principal` until `expiresAt`; forgets expired sessions on the way. Its
   * token row is locked FOR SHARE and checked live in the same transaction as the INSERT: a
   * revocation either commits first (401 here) or waits for the session and its trigger ends it.
   */
  async open(principal: Principal, expiresAt: Date): Promise<OpenedSession> {
    const id = randomBytes(32).toString('base64url');
    const session: StoredSession = {
      hash: sessionHash(id),
      tokenId: principal.tokenId ?? null,
      tokenName: principal.name,
      role: principal.role,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: expiresAt.toISOString(),
    };
    const adminTokenHash = session.tokenId ? null : adminTokenHashOf(this.config.apiToken);
    await this.query('DELETE FROM gateway.sessions WHERE expires_at < now()');
    await this.inTransaction(async (client) => {
      if (session.tokenId) {
        const live = await client.query(
          `SELECT 1 FROM gateway.api_tokens
           WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
           FOR SHARE`,
          [session.tokenId],
        );
        if (live.rowCount === 0)
          throw new FederaError(ErrorCodes.unauthorized, 'invalid or revoked bearer token');
      }
      await client.query(
        `INSERT INTO gateway.sessions
           (session_hash, token_id, token_name, role, csrf_token, expires_at, admin_token_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          session.hash,
          session.tokenId,
          session.tokenName,
          session.role,
          session.csrfToken,
          session.expiresAt,
          adminTokenHash,
        ],
      );
    });
    return { id, session };
  }

  /**
   * The session whose id hashes to `hash`, expired or not; undefined once it was ended, its token
   * revoked or expired, or (admin) FEDERA_API_TOKEN rotated or unset.
   */
  async find(hash: string): Promise<StoredSession | undefined> {
    const rows = await this.query<SessionRow>(
      `SELECT s.session_hash, s.token_id, s.token_name, s.role, s.csrf_token, s.expires_at,
              s.admin_token_hash
       FROM gateway.sessions s LEFT JOIN gateway.api_tokens t ON t.id = s.token_id
       WHERE s.session_hash = $1
         AND (s.token_id IS NULL
              OR (t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())))`,
      [hash],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.token_id === null && !adminSessionStands(row.admin_token_hash, this.config.apiToken))
      return undefined;
    return toSession(row);
  }

  /** Ends the session whose id hashes to `hash` (signing out); nothing when it has already ended. */
  async end(hash: string): Promise<void> {
    await this.query('DELETE FROM gateway.sessions WHERE session_hash = $1', [hash]);
  }

  /** `work` in one transaction on one client, rolled back when it throws. */
  private async inTransaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error instanceof FederaError ? error : unavailable(error);
    } finally {
      client.release();
    }
  }

  private async query<T>(text: string, values: unknown[] = []): Promise<T[]> {
    try {
      return (await this.pool.query(text, values)).rows as T[];
    } catch (error) {
      throw unavailable(error);
    }
  }
}

function unavailable(error: unknown): FederaError {
  return new FederaError(
    ErrorCodes.unavailable,
    `cannot check the session: Postgres does not answer (${error instanceof Error ? error.message : String(error)})`,
  );
}

/** The hash a session id is stored under. */
export function sessionHash(id: string): string {
  return hashApiToken(id);
}

function toSession(row: SessionRow): StoredSession {
  return {
    hash: row.session_hash,
    tokenId: row.token_id,
    tokenName: row.token_name,
    role: row.role,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at.toISOString(),
  };
}
