import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, type Repository } from 'typeorm';
import type { ApiTokenView, CreatedApiToken } from '@federa/contracts';
import { generateApiToken, hashApiToken } from '../../domain/api-token';
import type { Role } from '../../domain/role';
import { ApiToken } from './api-token.entity';

/**
 * How long a live token found in `gateway.api_tokens` is believed without asking again: a request
 * per token would otherwise cost a query each. A token revoked through another gateway replica (or
 * in the table) still passes here for at most this long; one revoked here is refused at once.
 */
export const verifiedTokenMs = 5000;
/** Past this many remembered tokens, the expired ones are forgotten before another is added. */
const rememberedTokens = 1000;

/** `gateway.api_tokens`: tokens stored as their sha256, shown in clear only once, at creation. */
@Injectable()
export class TokenRepository {
  /** Live tokens found lately, by their sha256. */
  private readonly verified = new Map<string, { token: ApiTokenView; until: number }>();

  constructor(@InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>) {}

  /** Creates a token; the answer is the only place its secret ever appears. */
  async create(role: Role, name?: string): Promise<CreatedApiToken> {
    const id = randomUUID();
    const token = generateApiToken();
    const row = this.tokens.create({
      id,
      name: name ?? `token-${id.slice(0, 8)}`,
      role,
      tokenHash: hashApiToken(token),
      revokedAt: null,
    });
    // insert, not save: save would first look the new id up; the returned created_at lands on `row`.
    await this.tokens.insert(row);
    return { ...toRecord(row), token };
  }

  /**
   * The live (not revoked) token matching `token`, if any: a live one found in the last
   * `verifiedTokenMs` is answered from memory; an unknown one is always looked up, so that a token
   * created through another replica works at once.
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
    if (this.verified.size >= rememberedTokens) {
      for (const [hash, entry] of this.verified) if (entry.until <= now) this.verified.delete(hash);
    }
    if (this.verified.size < rememberedTokens) {
      this.verified.set(tokenHash, { token: found, until: now + verifiedTokenMs });
    }
    return found;
  }

  async list(): Promise<ApiTokenView[]> {
    const rows = await this.tokens.find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toRecord);
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
  };
}
