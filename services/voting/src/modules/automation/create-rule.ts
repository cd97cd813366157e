import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, notFound, writeAudit } from '@commonhold/kit';
import { findBuilding } from '../directory';
import type { Command } from '../votes';
import { ruleTerms } from './rule';
import { findRule, insertRule, setRuleEnabled } from './rule.store';

/** Creates a building's automation rule (NC-401 item 2): validate → the building → the rule and its audit event. */
export function createRule(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createAutomationRule', input, async () => {
    const terms = ruleTerms(input);
    const buildingId = input.buildingId;
    if (!isUuid(buildingId) || !(await findBuilding(m, tenantId, buildingId))) throw notFound('input.buildingId', 'No such building');
    const id = randomUUID();
    await insertRule(m, tenantId, { ...terms, id, buildingId, createdBy: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'automation-rule.created', entityType: 'automation-rule', entityId: id, after: { buildingId, ...terms } });
    return id;
  });
}

/** Turns a rule on or off (off: votes closing afterwards do not run it; executions already made stay). */
export function setRuleEnabledUseCase(m: EntityManager, cmd: Command<{ id?: unknown; enabled?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'setAutomationRuleEnabled', input, async () => {
    const rule = isUuid(input.id) ? await findRule(m, tenantId, input.id, true) : null;
    if (!rule) throw notFound('input.id', 'No such automation rule');
    if (typeof input.enabled !== 'boolean') throw badInput('input.enabled', 'enabled must be true or false');
    if (rule.enabled !== input.enabled) {
      await setRuleEnabled(m, tenantId, rule.id, input.enabled);
      await writeAudit(m, { tenantId, actor: cmd.actor, action: input.enabled ? 'automation-rule.enabled' : 'automation-rule.disabled', entityType: 'automation-rule', entityId: rule.id, before: { enabled: rule.enabled }, after: { enabled: input.enabled } });
    }
    return rule.id;
  });
}
