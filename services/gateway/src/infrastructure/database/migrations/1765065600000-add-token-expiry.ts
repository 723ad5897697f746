import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `gateway.api_tokens.expires_at`: when a token stops being accepted; null, never (every older token). */
export class AddTokenExpiry1765065600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE gateway.api_tokens ADD COLUMN IF NOT EXISTS expires_at timestamptz',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE gateway.api_tokens DROP COLUMN expires_at');
  }
}
