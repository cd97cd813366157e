import { isUuid, type Resolvers } from '@commonhold/kit';
import { confirmTotpEnrolment, resetMemberMfa, setTenantMfaRequirement, startTotpEnrolment } from './enrol-totp';
import { findFactor, recoveryCodesLeft, tenantRequiresMfa } from './mfa.store';
import { MFA_PRIVILEGED_ROLES } from './totp';

type Input = { input: Record<string, unknown> & { idempotencyKey: string } };

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const mfaResolvers: Resolvers = {
  Query: {
    myMfa: (_: unknown, __: unknown, ctx) => {
      const { principal } = ctx;
      if (!isUuid(principal.userId)) return { totpEnabled: false, enrolmentPending: false, recoveryCodesLeft: 0 };
      return ctx.tx(async (m) => {
        const f = await findFactor(m, principal.tenantId, principal.userId);
        return { totpEnabled: !!f?.confirmedAt, enrolmentPending: !!f && !f.confirmedAt, recoveryCodesLeft: f?.confirmedAt ? await recoveryCodesLeft(m, principal.tenantId, principal.userId) : 0 };
      });
    },
    tenantSecuritySettings: (_: unknown, __: unknown, ctx) => ctx.tx(async (m) => ({ mfaRequired: await tenantRequiresMfa(m, ctx.principal.tenantId), mfaRequiredRoles: MFA_PRIVILEGED_ROLES })),
  },
  Mutation: {
    startTotpEnrolment: (_: unknown, { input }: Input, ctx) =>
      ctx.tx((m) => startTotpEnrolment(m, ctx.runtime.secrets, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input })),
    confirmTotpEnrolment: (_: unknown, { input }: Input, ctx) =>
      ctx.tx((m) => confirmTotpEnrolment(m, ctx.runtime.secrets, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input })),
    resetMemberMfa: (_: unknown, { input }: Input, ctx) =>
      ctx.tx(async (m) => ({ userId: await resetMemberMfa(m, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input }) })),
    setTenantMfaRequirement: (_: unknown, { input }: Input, ctx) =>
      ctx.tx(async (m) => {
        const r = await setTenantMfaRequirement(m, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input });
        return { mfaRequired: r.required, mfaRequiredRoles: MFA_PRIVILEGED_ROLES };
      }),
  },
};
