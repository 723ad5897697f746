import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions opened with FEDERA_API_TOKEN have no token row for a revocation to reach: each keeps the
 * sha256 of the admin token it was opened with, and is refused once FEDERA_API_TOKEN is another or
 * unset. Admin sessions stored before this column have none, so they are refused (signed in again).
 */
export class AddSessionAdminTokenHash1796688000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE gateway.sessions ADD COLUMN admin_token_hash text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE gateway.sessions DROP COLUMN admin_token_hash');
  }
}
