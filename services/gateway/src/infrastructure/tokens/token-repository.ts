import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, type Repository } from 'typeorm';
import {
  ErrorCodes,
  FederaError,
  type ApiTokenView,
  type CreatedApiToken,
} from '@federa/contracts';
import { generateApiToken, hashApiToken } from '../../domain/api-token';
import type { Role } from '../../domain/role';
import { ApiToken } from './api-token.entity';

/**
 * How long a live token found in `gateway.api_tokens` is believed without asking again: a request
 * per token would otherwise cost a query each. A token revoked through another gateway replica (or
 * in the table) still passes here for at most this long; one revoked here is refused at once.
 */
export const verifiedTokenMs = 5000;
/** The unique index on live tokens' names (migration 1765152000000). */
const liveNameIndex = 'api_tokens_live_name';
/** Past this many remembered tokens, the expired ones are forgotten before another is added. */
const rememberedTokens = 1000;

/** `gateway.api_tokens`: tokens stored as their sha256, shown in clear only once, at creation. */
@Injectable()
export class TokenRepository {
  /** Live tokens found lately, by their sha256. */
  private readonly verified = new Map<string, { token: ApiTokenView; until: number }>();

  constructor(@InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>) {}

  /**
   * Creates a token, accepted until `expiresAt` (null: until revoked); the answer is the only
   * place its secret ever appears.
   */
  async create(role: Role, name?: string, expiresAt: Date | null = null): Promise<CreatedApiToken> {
    const id = randomUUID();
    const token = generateApiToken();
    const row = this.tokens.create({
      id,
      name: name ?? `token-${id.slice(0, 8)}`,
      role,
      tokenHash: hashApiToken(token),
      revokedAt: null,
      expiresAt,
    });
    // insert, not save: save would first look the new id up; the returned created_at lands on `row`.
    try {
      await this.tokens.insert(row);
    } catch (error) {
      if (
        (error as { driverError?: { constraint?: string } }).driverError?.constraint ===
        liveNameIndex
      )
        throw new FederaError(ErrorCodes.conflict, `a live token is already named ${row.name}`, [
          {
            path: 'name',
            reason: `a live token is already named ${row.name}: revoke it first, or choose another name`,
          },
        ]);
      throw error;
    }
    return { ...toRecord(row), token };
  }

  /**
   * The live (not revoked) token matching `token`, if any, expired or not (the caller tells an
   * expired one apart, to say so): a live one found in the last `verifiedTokenMs` is answered from
   * memory; an unknown one is always looked up, so that a token created through another replica
   * works at once.
   */
  async findActive(token: string, now = Date.now()): Promise<ApiTokenView | undefined> {
    const tokenHash = hashApiToken(token);
    const known = this.verified.get(tokenHash);
    if (known && known.until > now) return known.token;
    const row = await this.tokens.findOneBy({ tokenHash, revokedAt: IsNull() });
    if (!row) {
      this.verified.delete(tokenHash);
      return undefined;
    }
    const found = toRecord(row);
    this.remember(tokenHash, found, now);
    return found;
  }

  /** The live token matching `token` if one was found in the last `verifiedTokenMs`, without asking Postgres. */
  findVerified(token: string, now = Date.now()): ApiTokenView | undefined {
    const known = this.verified.get(hashApiToken(token));
    return known && known.until > now ? known.token : undefined;
  }

  private remember(tokenHash: string, token: ApiTokenView, now: number): void {
    if (this.verified.size >= rememberedTokens) {
      for (const [hash, entry] of this.verified) if (entry.until <= now) this.verified.delete(hash);
    }
    if (this.verified.size < rememberedTokens) {
      this.verified.set(tokenHash, { token, until: now + verifiedTokenMs });
    }
  }

  /** The token with this id while it is live (not revoked), asked of Postgres each time. */
  async findLiveById(id: string): Promise<ApiTokenView | undefined> {
    const row = await this.tokens.findOneBy({ id, revokedAt: IsNull() });
    return row ? toRecord(row) : undefined;
  }

  /**
   * A page of tokens, oldest first (then by id): at most `limit` after the token `after`, and
   * `next` (the last one's id) when more remain. An `after` that names no token is refused.
   */
  async list(limit: number, after?: string): Promise<{ items: ApiTokenView[]; next?: string }> {
    const query = this.tokens
      .createQueryBuilder('token')
      .orderBy('token.createdAt', 'ASC')
      .addOrderBy('token.id', 'ASC')
      .take(limit + 1);
    if (after !== undefined) {
      const from = await this.tokens.findOneBy({ id: after });
      if (!from)
        throw new FederaError(ErrorCodes.validation, 'invalid list query', [
          { path: 'after', reason: 'names no token: pass the next of the page before' },
        ]);
      // Compared in SQL: a JavaScript Date would drop the microseconds Postgres keeps.
      query.where(
        '(token.createdAt, token.id) > (SELECT created_at, id FROM gateway.api_tokens WHERE id = :after)',
        { after },
      );
    }
    const rows = await query.getMany();
    const items = rows.slice(0, limit).map(toRecord);
    return rows.length > limit ? { items, next: items[items.length - 1].id } : { items };
  }

  /** Revokes a live token; false when there is no live token with this id. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.tokens.update(
      { id, revokedAt: IsNull() },
      { revokedAt: () => 'now()' },
    );
    for (const [hash, entry] of this.verified)
      if (entry.token.id === id) this.verified.delete(hash);
    return (result.affected ?? 0) > 0;
  }
}

function toRecord(row: ApiToken): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
    expiresAt: row.expiresAt ? row.expiresAt.toISOString() : null,
  };
}
