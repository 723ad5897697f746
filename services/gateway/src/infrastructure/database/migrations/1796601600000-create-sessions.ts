import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Browser sessions (`POST /v1/session`): a row per session, known by the sha256 of its id only (the
 * cookie), with the token's name and role it was opened with and its CSRF token. In the gateway's
 * tables so that every replica knows every session. A session ends with its token: revoking the
 * token (setting `revoked_at`, however it is done) deletes its sessions in the same transaction.
 */
export class CreateSessions1796601600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE gateway.sessions (
      session_hash text PRIMARY KEY,
      token_id uuid REFERENCES gateway.api_tokens (id) ON DELETE CASCADE,
      token_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`);
    await queryRunner.query('CREATE INDEX sessions_token_id ON gateway.sessions (token_id)');
    await queryRunner.query('CREATE INDEX sessions_expires_at ON gateway.sessions (expires_at)');
    await queryRunner.query(`CREATE FUNCTION gateway.end_sessions_of_revoked_token() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM gateway.sessions WHERE token_id = NEW.id;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER api_tokens_revoked_ends_sessions
      AFTER UPDATE OF revoked_at ON gateway.api_tokens
      FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL)
      EXECUTE FUNCTION gateway.end_sessions_of_revoked_token()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER api_tokens_revoked_ends_sessions ON gateway.api_tokens');
    await queryRunner.query('DROP FUNCTION gateway.end_sessions_of_revoked_token()');
    await queryRunner.query('DROP TABLE gateway.sessions');
  }
}
