import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `gateway.api_tokens`. IF NOT EXISTS because databases migrated before TypeORM already hold the
 * very same table (made by the gateway's former hand-run SQL, recorded in `gateway.migrations`):
 * on those this migration only records itself.
 */
export class CreateApiTokens1751328000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS gateway.api_tokens (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE gateway.api_tokens');
  }
}
