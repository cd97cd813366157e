import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * identity's tables. Every table but `signing_keys` is tenant data under forced row-level security;
 * the signing keys belong to the platform (one JWKS for every tenant) and hold no tenant data.
 */
export const CreateIdentity1796495281072 = sqlMigration(
  'CreateIdentity1796495281072',
  [
    `CREATE TABLE tenants (
      tenant_id text PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('tenants'),
    // One account per tenant: credentials, lockouts and sessions stay inside the tenant's RLS fence.
    `CREATE TABLE users (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      email text NOT NULL,
      display_name text NOT NULL,
      password_hash text,
      status text NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, email)
    )`,
    'CREATE INDEX users_page ON users (tenant_id, created_at DESC, id DESC)',
    ...tenantRlsSql('users'),
    `CREATE TABLE memberships (
      tenant_id text NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      roles text[] NOT NULL,
      scope jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_id)
    )`,
    ...tenantRlsSql('memberships'),
    // A session is one refresh-token family (RFC 9700 §4.14): reuse of a retired token revokes it whole.
    `CREATE TABLE sessions (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_reason text,
      user_agent text,
      ip text
    )`,
    'CREATE INDEX sessions_user ON sessions (tenant_id, user_id, created_at DESC, id DESC)',
    ...tenantRlsSql('sessions'),
    `CREATE TABLE refresh_tokens (
      token_hash text PRIMARY KEY,
      tenant_id text NOT NULL,
      session_id uuid NOT NULL REFERENCES sessions (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz
    )`,
    'CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)',
    ...tenantRlsSql('refresh_tokens'),
    `CREATE TABLE public_links (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      purpose text NOT NULL,
      subject_id text NOT NULL,
      scope jsonb NOT NULL,
      max_uses integer NOT NULL CHECK (max_uses BETWEEN 1 AND 10000),
      uses integer NOT NULL DEFAULT 0 CHECK (uses <= max_uses),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('public_links'),
    `CREATE TABLE security_events (
      id bigserial PRIMARY KEY,
      tenant_id text NOT NULL,
      kind text NOT NULL,
      user_id uuid,
      session_id uuid,
      ip text,
      detail jsonb,
      at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX security_events_page ON security_events (tenant_id, at DESC, id DESC)',
    ...tenantRlsSql('security_events'),
    // Integrators: an account with roles and scope, and API keys (stored as SHA-256) exchanged for access tokens.
    `CREATE TABLE service_accounts (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      roles text[] NOT NULL,
      scope jsonb NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, name)
    )`,
    'CREATE INDEX service_accounts_page ON service_accounts (tenant_id, created_at DESC, id DESC)',
    ...tenantRlsSql('service_accounts'),
    `CREATE TABLE api_keys (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      service_account_id uuid NOT NULL REFERENCES service_accounts (id),
      key_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      last_used_at timestamptz,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX api_keys_account ON api_keys (tenant_id, service_account_id, created_at DESC)',
    ...tenantRlsSql('api_keys'),
    `CREATE TABLE signing_keys (
      kid text PRIMARY KEY,
      alg text NOT NULL,
      public_jwk jsonb NOT NULL,
      private_jwk jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      signs_from timestamptz NOT NULL
    )`,
  ],
  ['DROP TABLE api_keys', 'DROP TABLE service_accounts', 'DROP TABLE signing_keys', 'DROP TABLE security_events', 'DROP TABLE public_links', 'DROP TABLE refresh_tokens', 'DROP TABLE sessions', 'DROP TABLE memberships', 'DROP TABLE users', 'DROP TABLE tenants'],
);
