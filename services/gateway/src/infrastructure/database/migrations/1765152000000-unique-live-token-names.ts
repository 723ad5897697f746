import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A live token's name is unique (`metadata.actor` is `token:<name>`: two live tokens of one name could
 * not be told apart in the audit), and `admin` is FEDERA_API_TOKEN's. Live tokens that already
 * break this, from before, are renamed `<name>-<first 8 of their id>` (the oldest of a name keeps
 * it; a stored `admin` never does), so that the index can be built.
 */
export class UniqueLiveTokenNames1765152000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE gateway.api_tokens t
      SET name = t.name || '-' || left(t.id::text, 8)
      WHERE t.revoked_at IS NULL AND (lower(t.name) = 'admin' OR EXISTS (
        SELECT 1 FROM gateway.api_tokens o
        WHERE o.revoked_at IS NULL AND o.name = t.name AND (o.created_at, o.id) < (t.created_at, t.id)))`);
    await queryRunner.query(
      'CREATE UNIQUE INDEX IF NOT EXISTS api_tokens_live_name ON gateway.api_tokens (name) WHERE revoked_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX gateway.api_tokens_live_name');
  }
}
