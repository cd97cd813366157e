import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

// Issue 15: jobs → shifts → signups/hours (V4S), public sign-ups waiting on fundraising's contact
// match, consent per channel. A signup's personal fields are held only until the match answers
// (then blanked: fundraising is the one person store) and are erased with the contact.
export const JobsShiftsHours1796700000000 = sqlMigration(
  'JobsShiftsHours1796700000000',
  [
    `CREATE TABLE volunteer_jobs (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      name text NOT NULL,
      description text,
      location text,
      skills text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    )`,
    ...tenantRlsSql('volunteer_jobs'),
    `CREATE TABLE volunteer_shifts (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      job_id uuid NOT NULL,
      starts_at timestamptz NOT NULL,
      duration_minutes int NOT NULL CHECK (duration_minutes BETWEEN 15 AND 1440),
      capacity int NOT NULL CHECK (capacity >= 1),
      recurrence text,
      series_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, job_id) REFERENCES volunteer_jobs (tenant_id, id)
    )`,
    'CREATE INDEX volunteer_shifts_job ON volunteer_shifts (tenant_id, job_id, starts_at)',
    'CREATE INDEX volunteer_shifts_start ON volunteer_shifts (starts_at)',
    ...tenantRlsSql('volunteer_shifts'),
    `CREATE TABLE volunteer_signups (
      tenant_id text NOT NULL,
      id uuid NOT NULL,
      shift_id uuid NOT NULL,
      contact_id uuid,
      status text NOT NULL CHECK (status IN ('PROSPECT', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'WEB_SIGN_UP', 'CANCELED')),
      waitlisted boolean NOT NULL DEFAULT false,
      minutes int CHECK (minutes > 0 AND minutes <= 1440),
      match_request_id uuid,
      first_name text,
      last_name text,
      email text,
      phone text,
      postcode text,
      consent_email boolean NOT NULL DEFAULT false,
      consent_sms boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, shift_id) REFERENCES volunteer_shifts (tenant_id, id),
      -- V4S: hours are required when completed, and only then.
      CHECK ((status = 'COMPLETED') = (minutes IS NOT NULL)),
      -- A signup is a known contact's, or a web sign-up waiting on its contact match.
      CHECK (contact_id IS NOT NULL OR match_request_id IS NOT NULL)
    )`,
    'CREATE INDEX volunteer_signups_shift ON volunteer_signups (tenant_id, shift_id, created_at)',
    'CREATE INDEX volunteer_signups_contact ON volunteer_signups (tenant_id, contact_id)',
    'CREATE UNIQUE INDEX volunteer_signups_match ON volunteer_signups (tenant_id, match_request_id) WHERE match_request_id IS NOT NULL',
    // One live signup per contact and shift (a cancelled one may be followed by a new one).
    `CREATE UNIQUE INDEX volunteer_signups_once ON volunteer_signups (tenant_id, shift_id, contact_id) WHERE contact_id IS NOT NULL AND status <> 'CANCELED'`,
    ...tenantRlsSql('volunteer_signups'),
    `CREATE TABLE volunteer_consents (
      tenant_id text NOT NULL,
      contact_id uuid NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email', 'sms')),
      granted boolean NOT NULL,
      source text NOT NULL,
      recorded_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, contact_id, channel)
    )`,
    ...tenantRlsSql('volunteer_consents'),
    // Where reminders go: fundraising's contact.created carries the email (blanked on erasure).
    'ALTER TABLE known_contacts ADD COLUMN email text',
  ],
  ['ALTER TABLE known_contacts DROP COLUMN email', 'DROP TABLE volunteer_consents', 'DROP TABLE volunteer_signups', 'DROP TABLE volunteer_shifts', 'DROP TABLE volunteer_jobs'],
);
