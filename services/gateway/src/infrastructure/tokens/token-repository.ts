import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { IsNull, type Repository } from 'typeorm';
import type { ApiTokenView, CreatedApiToken } from '@federa/contracts';
import { generateApiToken, hashApiToken } from '../../domain/api-token';
import type { Role } from '../../domain/role';
import { ApiToken } from './api-token.entity';

/** `gateway.api_tokens`: tokens stored as their sha256, shown in clear only once, at creation. */
@Injectable()
export class TokenRepository {
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

  /** The live (not revoked) token matching `token`, if any. */
  async findActive(token: string): Promise<ApiTokenView | undefined> {
    const row = await this.tokens.findOneBy({
      tokenHash: hashApiToken(token),
      revokedAt: IsNull(),
    });
    return row ? toRecord(row) : undefined;
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
