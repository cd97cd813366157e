import PgBoss from 'pg-boss';
import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';
import { buildingReadableByOwners } from '../directory';

/** The pg-boss queues of vote closing (created here, as the owner: the app role holds no DDL rights). */
export const VOTE_QUEUES = {
  close: 'voting-close',
  dead: 'voting-close-dead',
} as const;

/** pg-boss's own schema, without its BEGIN/COMMIT: the migration runs in TypeORM's transaction. */
const pgBossSchema = PgBoss.getConstructionPlans('pgboss')
  .trim()
  .replace(/^BEGIN;/, '')
  .replace(/COMMIT;\s*$/, '');

const queue = (name: string, options: Record<string, unknown>) => `SELECT pgboss.create_queue('${name}', '${JSON.stringify({ policy: 'standard', ...options })}'::json)`;

/**
 * Votes, their eligible apartments with the weight each votes with (taken when the vote is created),
 * ballots (one per apartment and vote), and pg-boss (schema and queues) for the scheduled closes.
 * Rows carry their building id: a building manager reaches its buildings' votes; an owner reads the
 * votes of its apartment's building and only its own apartment's eligibility and ballot.
 */
export const CreateVotes1796531703600 = sqlMigration(
  'CreateVotes1796531703600',
  [
    `CREATE TABLE votes (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      title text NOT NULL,
      question text NOT NULL,
      category text,
      options jsonb NOT NULL,
      opens_at timestamptz NOT NULL,
      closes_at timestamptz NOT NULL CHECK (closes_at > opens_at),
      secret_ballot boolean NOT NULL,
      weighting text NOT NULL CHECK (weighting IN ('ownership_share', 'per_apartment')),
      quorum_bp integer NOT NULL CHECK (quorum_bp BETWEEN 0 AND 10000),
      approval_rule text NOT NULL CHECK (approval_rule IN ('simple_majority', 'two_thirds_cast', 'two_thirds_total')),
      ballot_changes_allowed boolean NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'closed', 'cancelled')),
      result jsonb,
      outcome text CHECK (outcome IN ('approved', 'rejected', 'no_quorum')),
      closed_at timestamptz,
      closed_by text,
      trace_id text,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX votes_page ON votes (tenant_id, created_at DESC, id DESC)',
    'CREATE INDEX votes_building ON votes (tenant_id, building_id, created_at DESC, id DESC)',
    ...tenantRlsSql('votes'),
    buildingReadableByOwners('votes'),
    `CREATE TABLE vote_voters (
      vote_id uuid NOT NULL REFERENCES votes (id),
      apartment_id uuid NOT NULL,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      unit text NOT NULL,
      weight integer NOT NULL CHECK (weight > 0),
      PRIMARY KEY (vote_id, apartment_id)
    )`,
    ...tenantRlsSql('vote_voters'),
    ...scopeRlsSql('vote_voters', { building: 'building_id', apartment: 'apartment_id' }),
    `CREATE TABLE ballots (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      vote_id uuid NOT NULL REFERENCES votes (id),
      building_id uuid NOT NULL,
      apartment_id uuid NOT NULL,
      choice text NOT NULL,
      weight integer NOT NULL,
      cast_by text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('owner', 'link', 'staff')),
      changes integer NOT NULL DEFAULT 0,
      cast_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (vote_id, apartment_id)
    )`,
    ...tenantRlsSql('ballots'),
    ...scopeRlsSql('ballots', { building: 'building_id', apartment: 'apartment_id' }),
    pgBossSchema,
    queue(VOTE_QUEUES.dead, { retentionMinutes: 60 * 24 * 14 }),
    queue(VOTE_QUEUES.close, { retryLimit: 4, retryDelay: 5, retryBackoff: true, deadLetter: VOTE_QUEUES.dead }),
    // Only the service's app role may connect to this database (CONNECT is revoked from PUBLIC).
    'GRANT USAGE ON SCHEMA pgboss TO PUBLIC',
    'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO PUBLIC',
  ],
  ['DROP SCHEMA pgboss CASCADE', 'DROP TABLE ballots', 'DROP TABLE vote_voters', 'DROP TABLE votes'],
);
