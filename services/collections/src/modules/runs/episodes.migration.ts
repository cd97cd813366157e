import { sqlMigration } from '@commonhold/kit';

/**
 * Overdue episodes: every real event records the due date of the apartment's oldest unpaid debt when
 * it was planned (`episode_on`). The once-only rules across runs hold per episode — attempt n of a
 * step once, an escalation once — so that after a paid-off debt a later one starts the policy again
 * from its first step (`episodeHistory` in policy.ts). Promise-broken tasks carry no episode.
 */
export const DunningEpisodes1796495271900 = sqlMigration(
  'DunningEpisodes1796495271900',
  [
    'ALTER TABLE dunning_events ADD COLUMN episode_on date',
    `UPDATE dunning_events e SET episode_on = r.as_of - e.days_past_due FROM dunning_runs r WHERE r.id = e.run_id AND e.days_past_due > 0`,
    'DROP INDEX dunning_events_attempt',
    'DROP INDEX dunning_events_escalation',
    `CREATE UNIQUE INDEX dunning_events_attempt ON dunning_events (tenant_id, apartment_id, step_key, COALESCE(episode_on, '-infinity'::date), attempt) WHERE NOT dry_run AND kind = 'reminder'`,
    `CREATE UNIQUE INDEX dunning_events_escalation ON dunning_events (tenant_id, apartment_id, step_key, COALESCE(episode_on, '-infinity'::date)) WHERE NOT dry_run AND kind = 'escalation'`,
  ],
  [
    'DROP INDEX dunning_events_attempt',
    'DROP INDEX dunning_events_escalation',
    'ALTER TABLE dunning_events DROP COLUMN episode_on',
    `CREATE UNIQUE INDEX dunning_events_attempt ON dunning_events (tenant_id, apartment_id, step_key, attempt) WHERE NOT dry_run AND kind = 'reminder'`,
    `CREATE UNIQUE INDEX dunning_events_escalation ON dunning_events (tenant_id, apartment_id, step_key) WHERE NOT dry_run AND kind = 'escalation'`,
  ],
);
