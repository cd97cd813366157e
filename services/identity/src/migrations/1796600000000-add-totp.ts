import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * TOTP second factor (RFC 6238): one factor per user (its secret sealed with the kit's TenantSecrets),
 * hashed recovery codes, short-lived sign-in challenges, and the tenant's MFA policy. All tenant data
 * under forced row-level security.
 */
export const AddTotp1796600000000 = sqlMigration(
  'AddTotp1796600000000',
  [
    // last_step: the newest time step accepted; a code of that step or older is a replay.
    `CREATE TABLE totp_factors (
      tenant_id text NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      secret_sealed text NOT NULL,
      confirmed_at timestamptz,
      last_step bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_id)
    )`,
    ...tenantRlsSql('totp_factors'),
    `CREATE TABLE recovery_codes (
      tenant_id text NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      code_hash text NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_id, code_hash)
    )`,
    ...tenantRlsSql('recovery_codes'),
    // A password proven, a second factor awaited: single use, minutes long, a few attempts.
    `CREATE TABLE mfa_challenges (
      token_hash text PRIMARY KEY,
      tenant_id text NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id),
      user_agent text,
      ip text,
      attempts integer NOT NULL DEFAULT 0,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('mfa_challenges'),
    `CREATE TABLE tenant_security_settings (
      tenant_id text PRIMARY KEY,
      mfa_required boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('tenant_security_settings'),
  ],
  ['DROP TABLE tenant_security_settings', 'DROP TABLE mfa_challenges', 'DROP TABLE recovery_codes', 'DROP TABLE totp_factors'],
);
