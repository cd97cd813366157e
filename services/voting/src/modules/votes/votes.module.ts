import { defineModule } from '@commonhold/kit';
import { ballotLinkRoutes } from './ballot-link.routes';
import { voteResolvers } from './vote.resolvers';
import { CreateVotes1796531703600 } from './votes.migration';
import { startVoteCloser } from './worker';

const audited = (action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'vote' AND a.entity_id = x.id::text AND a.action = '${action}' AND a.trace_id IS NOT NULL)`;

/**
 * Building votes (NC-401 item 1): eligible apartments and weights from the directory, ballots by
 * owners (apartment scope) or staff, closes scheduled with pg-boss, results and their exports. Every
 * table carries its building id under row-level security (owners read their building's votes).
 */
export const votesModule = defineModule({
  name: 'votes',
  scopedCallers: 'fenced',
  permissions: {
    Query: { vote: 'votes:read', votes: 'votes:read', voteResultExport: 'votes:read' },
    Mutation: { createVote: 'votes:write', castBallot: 'votes:cast', closeVote: 'votes:write', cancelVote: 'votes:write' },
    entities: { Vote: 'votes:read', Building: 'votes:read' },
  },
  resolvers: voteResolvers,
  migrations: [CreateVotes1796531703600],
  // The close worker lives as long as the service: started with its routes, stopped with them.
  routes: (app, rt) => {
    ballotLinkRoutes(app, rt);
    const closer = startVoteCloser(rt);
    closer.catch((err) => rt.log.error({ err }, 'vote closer failed to start'));
    return async () => {
      await (await closer.catch(() => null))?.stop();
    };
  },
  auditChecks: [
    { name: 'vote_created', description: 'A vote without its vote.created audit event', sql: `SELECT x.id::text AS entity_id FROM votes x WHERE NOT ${audited('vote.created')} ORDER BY x.created_at` },
    { name: 'vote_closed', description: 'A closed vote without its vote.closed audit event', sql: `SELECT x.id::text AS entity_id FROM votes x WHERE x.status = 'closed' AND NOT ${audited('vote.closed')} ORDER BY x.created_at` },
  ],
});
