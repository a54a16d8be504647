import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Every table of DESIGN.md. The better-auth part is the SQL better-auth itself generates for
 * authSchemaOptions (auth-schema.ts); a test checks that better-auth finds nothing missing.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    await q.query(`CREATE TABLE "users" (
      "id" text NOT NULL PRIMARY KEY,
      "name" text NOT NULL,
      "email" text NOT NULL UNIQUE,
      "email_verified" boolean NOT NULL,
      "image" text,
      "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
      "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL)`);
    await q.query(`CREATE TABLE "sessions" (
      "id" text NOT NULL PRIMARY KEY,
      "expires_at" timestamptz NOT NULL,
      "token" text NOT NULL UNIQUE,
      "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
      "updated_at" timestamptz NOT NULL,
      "ip_address" text,
      "user_agent" text,
      "user_id" text NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE)`);
    await q.query(`CREATE TABLE "accounts" (
      "id" text NOT NULL PRIMARY KEY,
      "account_id" text NOT NULL,
      "provider_id" text NOT NULL,
      "user_id" text NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
      "access_token" text,
      "refresh_token" text,
      "id_token" text,
      "access_token_expires_at" timestamptz,
      "refresh_token_expires_at" timestamptz,
      "scope" text,
      "password" text,
      "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
      "updated_at" timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE "verifications" (
      "id" text NOT NULL PRIMARY KEY,
      "identifier" text NOT NULL,
      "value" text NOT NULL,
      "expires_at" timestamptz NOT NULL,
      "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
      "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL)`);
    await q.query(`CREATE TABLE "rate_limits" (
      "id" text NOT NULL PRIMARY KEY,
      "key" text NOT NULL UNIQUE,
      "count" integer NOT NULL,
      "last_request" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "sessions_user_id_idx" ON "sessions" ("user_id")`);
    await q.query(`CREATE INDEX "accounts_user_id_idx" ON "accounts" ("user_id")`);
    await q.query(`CREATE INDEX "verifications_identifier_idx" ON "verifications" ("identifier")`);

    await q.query(`CREATE TABLE "projects" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "owner_id" text NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
      "name" varchar(100) NOT NULL,
      "description" text NOT NULL DEFAULT '',
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now())`);
    // Serves the owner foreign key and the newest-first keyset pagination of a user's projects.
    await q.query(
      `CREATE INDEX "projects_owner_created_idx" ON "projects" ("owner_id", "created_at" DESC, "id" DESC)`,
    );

    await q.query(`CREATE TABLE "agent_states" (
      "project_id" uuid NOT NULL PRIMARY KEY REFERENCES "projects" ("id") ON DELETE CASCADE,
      "state" varchar(32) NOT NULL DEFAULT 'IDLE',
      "request" text,
      "request_number" integer NOT NULL DEFAULT 0,
      "blueprint" jsonb,
      "phases" jsonb NOT NULL DEFAULT '[]',
      "current_phase" integer NOT NULL DEFAULT 0,
      "files_in_flight" jsonb NOT NULL DEFAULT '[]',
      "error" jsonb,
      "lease_owner" text,
      "lease_expires_at" timestamptz,
      "last_seq" bigint NOT NULL DEFAULT 0,
      "version" integer NOT NULL DEFAULT 1,
      "updated_at" timestamptz NOT NULL DEFAULT now())`);
    // Runners look for work to resume or take over: unfinished states with a lapsed lease.
    await q.query(
      `CREATE INDEX "agent_states_state_lease_idx" ON "agent_states" ("state", "lease_expires_at")`,
    );

    await q.query(`CREATE TABLE "generated_files" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "project_id" uuid NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
      "path" text NOT NULL,
      "content" text NOT NULL,
      "phase" integer,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "generated_files_project_path_key" UNIQUE ("project_id", "path"))`);

    await q.query(`CREATE TABLE "conversation_messages" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "project_id" uuid NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
      "role" varchar(16) NOT NULL CHECK ("role" IN ('user', 'assistant', 'system')),
      "content" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(
      `CREATE INDEX "conversation_messages_project_created_idx" ON "conversation_messages" ("project_id", "created_at", "id")`,
    );

    await q.query(`CREATE TABLE "versions" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "project_id" uuid NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
      "number" integer NOT NULL,
      "reason" varchar(16) NOT NULL CHECK ("reason" IN ('phase', 'edit', 'rollback', 'fix')),
      "label" text NOT NULL,
      "files" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "versions_project_number_key" UNIQUE ("project_id", "number"))`);

    await q.query(`CREATE TABLE "llm_usage" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "project_id" uuid REFERENCES "projects" ("id") ON DELETE CASCADE,
      "user_id" text REFERENCES "users" ("id") ON DELETE SET NULL,
      "role" varchar(16) NOT NULL,
      "model" text NOT NULL,
      "prompt_tokens" integer NOT NULL,
      "completion_tokens" integer NOT NULL,
      "cost_usd" numeric(12, 6),
      "created_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX "llm_usage_project_idx" ON "llm_usage" ("project_id")`);
    await q.query(`CREATE INDEX "llm_usage_user_idx" ON "llm_usage" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'llm_usage',
      'versions',
      'conversation_messages',
      'generated_files',
      'agent_states',
      'projects',
      'rate_limits',
      'verifications',
      'accounts',
      'sessions',
      'users',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
  }
}
