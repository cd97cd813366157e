// The Helm charts (charts/commonhold-lib, charts/commonhold-service, charts/commonhold) rendered by
// the real helm binary and checked object by object: schema validity of everything rendered, the
// canary contract of ADR 0003, probes, hardening, network policy, the migration hook and config
// rollouts — for the default values and for values-production.yaml. Helm runs a handful of times
// (once per values set) and every assertion reads those shared renders.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHARTS,
  REPO,
  byKind,
  find,
  helm,
  prepareCharts,
  readYaml,
  selects,
  template,
  umbrellaServices,
  validateSets,
  type K8sObject,
  type ModelValidation,
} from './support';
import { loadRegistry } from '../../scripts/platform/registry';

type Values = Record<string, any>;

const SERVICES = umbrellaServices();
const umbrellaValues = readYaml<Values>(join(CHARTS, 'commonhold', 'values.yaml'));
const productionValues = readYaml<Values>(join(CHARTS, 'commonhold', 'values-production.yaml'));
const appDefaults = readYaml<Values>(join(CHARTS, 'commonhold-service', 'values.yaml'));

/** ADR 0003's queries and success conditions, read from the ADR itself (the contract). */
function adrContract(): Record<string, { query: string; successCondition: string }> {
  const adr = readFileSync(join(REPO, 'docs', 'adr', '0003-canary-analysis-contract.md'), 'utf8');
  const out: Record<string, { query: string; successCondition: string }> = {};
  for (const m of adr.matchAll(/- `([a-z0-9-]+)`:\s*\n\s*`([^`]+)`\s*\n\s*with `successCondition: ([^`]+)`/g)) {
    out[m[1]!] = { query: m[2]!, successCondition: m[3]! };
  }
  return out;
}
const ADR = adrContract();

const forService = (objects: K8sObject[], kind: string, service: string): K8sObject[] =>
  objects.filter((o) => o.kind === kind && (o.metadata.labels?.['app.kubernetes.io/name'] === service || o.metadata.labels?.['commonhold.io/service'] === service));

/** The effective values of one service in the umbrella: app chart defaults < values.yaml < extra file. */
function serviceValues(service: string, extra?: Values): Values {
  const merge = (a: any, b: any): any => {
    if (b === undefined) return a;
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const out: any = { ...a };
      for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
      return out;
    }
    return b;
  };
  return merge(merge(appDefaults, umbrellaValues[service]), extra?.[service]);
}

const withDatabase = (service: string): boolean => serviceValues(service).database?.enabled !== false && serviceValues(service).role !== 'gateway';

let cleanup: () => void = () => undefined;
let umbrella = '';
let appChart = '';
const renders: Record<'default' | 'production', K8sObject[]> = { default: [], production: [] };
// Extra renders, made once: the app chart alone (both roles) and the umbrella with a JWKS ConfigMap.
const extraRenders: Record<'subgraph-values.yaml' | 'gateway-values.yaml' | 'jwks', K8sObject[]> = { 'subgraph-values.yaml': [], 'gateway-values.yaml': [], jwks: [] };
let validation = {} as Record<'default' | 'production' | keyof typeof extraRenders, ModelValidation>;

beforeAll(() => {
  const prepared = prepareCharts();
  cleanup = prepared.cleanup;
  umbrella = join(prepared.dir, 'commonhold');
  appChart = join(prepared.dir, 'commonhold-service');
  renders.default = template(umbrella);
  renders.production = template(umbrella, ['-f', join(umbrella, 'values-production.yaml')]);
  for (const file of ['subgraph-values.yaml', 'gateway-values.yaml'] as const) extraRenders[file] = template(appChart, ['-f', join(CHARTS, 'commonhold-service', 'ci', file)]);
  extraRenders.jwks = template(umbrella, ['--set', 'global.commonhold.jwks.configMap=commonhold-jwks']);
  // Every object of every render, schema-checked in one go.
  validation = validateSets({ ...renders, ...extraRenders });
}, 120_000);

afterAll(() => cleanup());

it('has a service block (port, SLO) in the umbrella values for every deployable the umbrella installs', () => {
  expect([...SERVICES].sort()).toEqual(loadRegistry().map((m) => m.name).sort());
  for (const s of SERVICES) {
    expect(umbrellaValues[s]).toMatchObject({ enabled: true, port: expect.any(Number), slo: { latencyBudgetSeconds: expect.any(Number), availabilityObjective: expect.any(Number) } });
  }
  expect(serviceValues('gateway').role).toBe('gateway');
  for (const m of loadRegistry()) expect(serviceValues(m.name)).toMatchObject({ port: m.port, slo: { latencyBudgetSeconds: m.slo.latencyBudgetSeconds, availabilityObjective: m.slo.availabilityObjective } });
});

it('names every library template commonhold.<area>.<name> and gives each a one-line Usage comment', () => {
  const dir = join(CHARTS, 'commonhold-lib', 'templates');
  const defines: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.tpl'))) {
    const lines = readFileSync(join(dir, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = /\{\{-? define "([^"]+)"/.exec(line);
      if (!m) return;
      defines.push(m[1]!);
      expect(`${f}: ${m[1]}`).toMatch(/: commonhold\.[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
      const previous = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
      expect(`${m[1]}: ${previous}`).toMatch(new RegExp(`^${m[1]!.replace(/\./g, '\\.')}: \\{\\{/\\* Usage: .*${m[1]!.replace(/\./g, '\\.')}.* — .+\\*/\\}\\}$`));
    });
  }
  for (const area of ['names', 'labels', 'images', 'security', 'probes', 'resources', 'env', 'rollout', 'analysis', 'services', 'hpa', 'pdb', 'networkPolicy', 'serviceMonitor', 'migration', 'validate']) {
    expect(defines.some((d) => d.startsWith(`commonhold.${area}.`))).toBe(true);
  }
});

it("relies on the image's entrypoint being node … dist/main.js (serve, or `migrate` as its argument)", () => {
  const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const entrypoints = [...dockerfile.matchAll(/^ENTRYPOINT\s+(\[.*\])\s*$/gm)].map((m) => JSON.parse(m[1]!) as string[]);
  const last = entrypoints.at(-1);
  expect(last?.[0]).toBe('node');
  expect(last?.at(-1)).toBe('dist/main.js');
  expect(dockerfile).not.toMatch(/^CMD /m); // `migrate` reaches main.js as its first argument
});

describe('helm lint --strict', () => {
  it.each([
    ['the library chart', () => ['lint', '--strict', join(appChart, '..', 'commonhold-lib')]],
    ['the app chart for a subgraph', () => ['lint', '--strict', appChart, '-f', join(CHARTS, 'commonhold-service', 'ci', 'subgraph-values.yaml')]],
    ['the app chart for the gateway', () => ['lint', '--strict', appChart, '-f', join(CHARTS, 'commonhold-service', 'ci', 'gateway-values.yaml')]],
    ['the umbrella with default values', () => ['lint', '--strict', umbrella]],
    ['the umbrella with values-production.yaml', () => ['lint', '--strict', umbrella, '-f', join(umbrella, 'values-production.yaml')]],
  ])('passes for %s', (_, args) => {
    const r = helm(args());
    expect(r.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(r.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
  });
});

describe.each([
  ['default values', 'default' as const, undefined],
  ['values-production.yaml', 'production' as const, productionValues],
])('the umbrella chart with %s', (_, which, extra) => {
  const objects = (): K8sObject[] => renders[which];

  it('renders only objects that validate against their schema models (kubernetes-models, argo-rollouts, prometheus-operator)', () => {
    const result = validation[which];
    expect(result.problems).toEqual([]);
    expect(result.validated).toBe(objects().length);
    expect(objects().length).toBeGreaterThan(20);
  });

  it('renders each object once, all in the release namespace', () => {
    const ids = objects().map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of objects()) expect(o.metadata.namespace).toBe('commonhold');
  });

  it('renders, per service, a Rollout, its three Services, ConfigMap, ServiceAccount, PDB, NetworkPolicy and ServiceMonitor', () => {
    for (const s of SERVICES) {
      find(objects(), 'Rollout', s);
      for (const n of [s, `${s}-stable`, `${s}-canary`]) find(objects(), 'Service', n);
      find(objects(), 'ConfigMap', `${s}-config`);
      find(objects(), 'ServiceAccount', s);
      find(objects(), 'PodDisruptionBudget', s);
      find(objects(), 'NetworkPolicy', s);
      find(objects(), 'ServiceMonitor', s);
    }
    expect(byKind(objects(), 'Rollout')).toHaveLength(SERVICES.length);
    expect(byKind(objects(), 'Deployment')).toEqual([]);
  });

  it('runs every service as a canary: setWeight 10 → analysis → setWeight 50 → analysis → setWeight 100, with background analysis of the same template', () => {
    for (const s of SERVICES) {
      const canary = find(objects(), 'Rollout', s).spec.strategy.canary;
      expect(canary.steps.map((step: object) => Object.keys(step)[0])).toEqual(['setWeight', 'analysis', 'setWeight', 'analysis', 'setWeight']);
      expect(canary.steps.filter((step: any) => 'setWeight' in step).map((step: any) => step.setWeight)).toEqual([10, 50, 100]);
      expect(canary.stableService).toBe(`${s}-stable`);
      expect(canary.canaryService).toBe(`${s}-canary`);
      expect(canary.trafficRouting).toBeUndefined();
      const stepTemplates = canary.steps.filter((step: any) => step.analysis).map((step: any) => step.analysis.templates);
      expect(stepTemplates).toEqual([[{ templateName: 'commonhold-canary' }], [{ templateName: 'commonhold-canary' }]]);
      expect(canary.analysis.templates).toEqual([{ templateName: 'commonhold-canary' }]);
      // The background run starts with the first analysis step, once the canary has pods.
      expect(canary.analysis.startingStep).toBe(1);
      expect(canary.steps[canary.analysis.startingStep]).toHaveProperty('analysis');
    }
  });

  it("passes the analysis args: the service's name, the canary's pod-template hash (Latest), its latency budget and the Prometheus address", () => {
    for (const s of SERVICES) {
      const v = serviceValues(s, extra);
      const canary = find(objects(), 'Rollout', s).spec.strategy.canary;
      const expected = (count: string) => [
        { name: 'service-name', value: s },
        { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
        { name: 'latency-budget-seconds', value: String(v.slo.latencyBudgetSeconds) },
        { name: 'prometheus-address', value: umbrellaValues.global.commonhold.prometheus.address },
        { name: 'measurement-count', value: count },
      ];
      // Background: measure until the rollout ends. Steps: a finite count, so each step completes.
      expect(canary.analysis.args).toEqual(expected('0'));
      for (const step of canary.steps.filter((x: any) => x.analysis)) expect(step.analysis.args).toEqual(expected(String(v.canary.analysis.stepMeasurements)));
      expect(v.canary.analysis.stepMeasurements).toBeGreaterThan(1);
    }
    for (const m of loadRegistry()) expect(serviceValues(m.name)).toMatchObject({ port: m.port, slo: { latencyBudgetSeconds: m.slo.latencyBudgetSeconds, availabilityObjective: m.slo.availabilityObjective } });
    expect(find(objects(), 'Rollout', 'fundraising').spec.strategy.canary.analysis.args[2]).toEqual({ name: 'latency-budget-seconds', value: '0.25' });
  });

  it('renders exactly one AnalysisTemplate, commonhold-canary, whose queries and conditions are ADR 0003 verbatim', () => {
    const templates = byKind(objects(), 'AnalysisTemplate');
    expect(templates.map((t) => t.metadata.name)).toEqual(['commonhold-canary']);
    const spec = templates[0]!.spec;
    expect(spec.args).toEqual([
      { name: 'service-name' },
      { name: 'canary-hash' },
      { name: 'latency-budget-seconds' },
      { name: 'prometheus-address' },
      { name: 'measurement-count', value: '3' },
    ]);
    expect(Object.keys(ADR).sort()).toEqual(['latency-p95', 'success-rate']);
    expect(spec.metrics.map((m: any) => m.name)).toEqual(['success-rate', 'latency-p95']);
    for (const m of spec.metrics) {
      expect(m).toEqual({
        name: m.name,
        interval: '1m',
        count: '{{args.measurement-count}}',
        failureLimit: 1,
        successCondition: ADR[m.name]!.successCondition,
        provider: { prometheus: { address: '{{args.prometheus-address}}', query: ADR[m.name]!.query } },
      });
    }
    // The guard against "no traffic" and the placeholders Helm must have left for Argo.
    expect(spec.metrics[0].successCondition).toBe('len(result) > 0 && result[0] >= 0.99');
    expect(spec.metrics[1].successCondition).toBe('len(result) > 0 && result[0] <= {{args.latency-budget-seconds}}');
    expect(spec.metrics[0].provider.prometheus.query).toContain('service="{{args.service-name}}"');
    expect(spec.metrics[0].provider.prometheus.query).toContain('rollouts_pod_template_hash="{{args.canary-hash}}"');
    // Every placeholder the template uses is an arg it declares.
    const used = new Set([...JSON.stringify(spec.metrics).matchAll(/\{\{args\.([a-z-]+)\}\}/g)].map((x) => x[1]));
    expect([...used].sort()).toEqual(spec.args.map((a: any) => a.name).sort());
  });

  it('probes /health (startup, liveness) and /ready (readiness) on the named service port', () => {
    for (const s of SERVICES) {
      const v = serviceValues(s, extra);
      const [c, ...others] = find(objects(), 'Rollout', s).spec.template.spec.containers;
      expect(others).toEqual([]);
      expect(c.ports).toEqual([{ name: 'http', containerPort: v.port, protocol: 'TCP' }]);
      expect(c.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
      // The image's entrypoint (node … dist/main.js) serves; the chart does not override it.
      expect(c.command).toBeUndefined();
      expect(c.args).toBeUndefined();
      const releaseTag = extra?.global?.commonhold?.image?.tag ?? umbrellaValues.global.commonhold.image.tag;
      expect(c.image).toBe(`ghcr.io/commonhold/${s}:${v.image?.tag || releaseTag}`);
    }
  });

  it('runs hardened pods: non-root, read-only root filesystem with an emptyDir /tmp, no capabilities, RuntimeDefault seccomp, no token', () => {
    const pods = [
      ...byKind(objects(), 'Rollout').map((r) => r.spec.template.spec),
      ...byKind(objects(), 'Job').map((j) => j.spec.template.spec),
    ];
    expect(pods.length).toBe(SERVICES.length + SERVICES.filter(withDatabase).length);
    for (const pod of pods) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.hostNetwork).toBeUndefined();
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
        expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        expect(c.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
        expect(c.resources.limits).toMatchObject({ memory: expect.anything() });
      }
      expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: expect.any(String) } });
    }
  });

  it('lets subgraphs accept traffic only from gateway pods and Prometheus; the gateway from its ingress peers and Prometheus', () => {
    const prometheusPeer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } };
    const gatewayPod = find(objects(), 'Rollout', 'gateway').spec.template.metadata.labels;
    for (const s of SERVICES) {
      const np = find(objects(), 'NetworkPolicy', s).spec;
      const podLabels = find(objects(), 'Rollout', s).spec.template.metadata.labels;
      expect(selects(np.podSelector.matchLabels, podLabels)).toBe(true);
      expect(np.policyTypes).toEqual(['Ingress']);
      for (const rule of np.ingress) expect(rule.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
      expect(np.ingress).toContainEqual({ ports: [{ port: 'http', protocol: 'TCP' }], from: [prometheusPeer] });
      if (s === 'gateway') {
        // Default: any source on the port (ingress controller / load balancer); production: the ingress controller's namespace.
        const open = which === 'default' ? { ports: [{ port: 'http', protocol: 'TCP' }] } : { ports: [{ port: 'http', protocol: 'TCP' }], from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] };
        expect(np.ingress).toEqual([open, { ports: [{ port: 'http', protocol: 'TCP' }], from: [prometheusPeer] }]);
      } else {
        expect(np.ingress).toHaveLength(2);
        const peers = np.ingress.flatMap((r: any) => r.from);
        expect(peers).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/part-of': 'commonhold' } } }, prometheusPeer]);
        // The gateway's pods carry those labels; no other service's pods do.
        expect(selects(peers[0].podSelector.matchLabels, gatewayPod)).toBe(true);
        for (const other of SERVICES.filter((x) => x !== 'gateway')) {
          expect(selects(peers[0].podSelector.matchLabels, find(objects(), 'Rollout', other).spec.template.metadata.labels)).toBe(false);
        }
      }
    }
  });

  it('scrapes each service once through its all-pods Service, keeping rollouts-pod-template-hash and the process `service` label', () => {
    for (const s of SERVICES) {
      const sm = find(objects(), 'ServiceMonitor', s);
      expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
      expect(sm.spec.podTargetLabels).toContain('rollouts-pod-template-hash');
      expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', scheme: 'http', interval: '15s', scrapeTimeout: '10s', honorLabels: true }]);
      expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['commonhold'] });
      const scraped = byKind(objects(), 'Service').filter((svc) => selects(sm.spec.selector.matchLabels, svc.metadata.labels));
      expect(scraped.map((svc) => svc.metadata.name)).toEqual([s]);
    }
  });

  it('gives each Rollout an all-pods Service plus the stable and canary Services Argo narrows by pod-template hash', () => {
    for (const s of SERVICES) {
      const v = serviceValues(s, extra);
      const podLabels = find(objects(), 'Rollout', s).spec.template.metadata.labels;
      expect(find(objects(), 'Rollout', s).spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': s, 'app.kubernetes.io/instance': 'commonhold' });
      for (const [name, traffic] of [[s, 'all'], [`${s}-stable`, 'stable'], [`${s}-canary`, 'canary']] as const) {
        const svc = find(objects(), 'Service', name);
        expect(svc.metadata.labels?.['commonhold.io/traffic']).toBe(traffic);
        expect(selects(svc.spec.selector, podLabels)).toBe(true);
        expect(svc.spec.ports).toEqual([{ name: 'http', port: v.port, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }]);
      }
      const pdb = find(objects(), 'PodDisruptionBudget', s);
      expect(selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    }
  });

  it('migrates as a pre-install/pre-upgrade hook Job only for services with a database (never the gateway)', () => {
    const jobs = byKind(objects(), 'Job');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(SERVICES.filter(withDatabase).map((s) => `${s}-migrate`).sort());
    expect(SERVICES.filter(withDatabase)).not.toContain('gateway');
    expect(SERVICES.filter(withDatabase).sort()).toEqual(loadRegistry().filter((m) => m.database).map((m) => m.name).sort());
    const services = byKind(objects(), 'Service');
    for (const job of jobs) {
      const s = job.metadata.name.replace(/-migrate$/, '');
      const v = serviceValues(s, extra);
      expect(job.metadata.annotations).toEqual({
        'helm.sh/hook': 'pre-install,pre-upgrade',
        'helm.sh/hook-weight': '-10',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      });
      expect(job.spec.backoffLimit).toBe(1);
      expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      const pod = job.spec.template.spec;
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.serviceAccountName).toBeUndefined(); // the release's ServiceAccount does not exist yet on install
      const [c] = pod.containers;
      // `node … dist/main.js migrate`: the image's entrypoint with the argument `migrate`.
      expect(c.command).toBeUndefined();
      expect(c.args).toEqual(['migrate']);
      expect(c.image).toBe(find(objects(), 'Rollout', s).spec.template.spec.containers[0].image);
      // Env inline (the ConfigMap is created after pre-install hooks), secrets from the existing Secret.
      expect(c.envFrom).toEqual([{ secretRef: { name: v.existingSecret } }]);
      const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
      expect(env).toEqual(find(objects(), 'ConfigMap', `${s}-config`).data);
      expect(env.PORT).toBe(String(v.port));
      // No Service, PDB or NetworkPolicy of the service selects the migration pod.
      for (const svc of services) expect(selects(svc.spec.selector, job.spec.template.metadata.labels)).toBe(false);
      expect(selects(find(objects(), 'Rollout', s).spec.selector.matchLabels, job.spec.template.metadata.labels)).toBe(false);
    }
  });

  it('configures pods from their ConfigMap and existing Secrets, with a checksum of the config on the pod template', () => {
    for (const s of SERVICES) {
      const v = serviceValues(s, extra);
      const pod = find(objects(), 'Rollout', s).spec.template;
      const c = pod.spec.containers[0];
      expect(c.envFrom[0]).toEqual({ configMapRef: { name: `${s}-config` } });
      expect(c.envFrom.slice(1)).toEqual(v.existingSecret ? [{ secretRef: { name: v.existingSecret } }] : []);
      expect(pod.metadata.annotations['checksum/config']).toMatch(/^[a-f0-9]{64}$/);
      const data = find(objects(), 'ConfigMap', `${s}-config`).data!;
      expect(data.PORT).toBe(String(v.port));
      expect(data.NODE_ENV).toBe('production');
      expect(data.DATABASE_URL).toBeUndefined();
      expect(data.DATABASE_MIGRATION_URL).toBeUndefined();
      for (const value of Object.values(data)) expect(typeof value).toBe('string');
      expect(Object.entries(data).filter(([, value]) => value === '')).toEqual([]); // unset, not empty
    }
  });

  it("routes the gateway to every subgraph by the subgraph's all-pods Service and port", () => {
    const data = find(objects(), 'ConfigMap', 'gateway-config').data!;
    for (const s of SERVICES.filter((x) => x !== 'gateway')) {
      expect(data[`SUBGRAPH_${s.toUpperCase().replace(/-/g, '_')}_URL`]).toBe(`http://${s}:${serviceValues(s).port}/graphql`);
    }
    expect(data.REDIS_URL).toBe('redis://redis:6379');
  });

  it('ships the generated SLO rules as a PrometheusRule and each generated dashboard as a grafana_dashboard ConfigMap', () => {
    const rulesFile = join(CHARTS, 'commonhold', 'generated', 'prometheus-rules.yaml');
    const rules = byKind(objects(), 'PrometheusRule');
    const generated = (() => {
      try {
        return readYaml<any>(rulesFile);
      } catch {
        return undefined;
      }
    })();
    if (!generated) {
      expect(rules).toEqual([]);
    } else {
      expect(rules).toHaveLength(1);
      expect(rules[0]!.spec).toEqual(generated.spec ?? { groups: generated.groups });
      expect(rules[0]!.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'commonhold' });
    }
    const dashboardFiles = (() => {
      try {
        return readdirSync(join(CHARTS, 'commonhold', 'generated', 'dashboards')).filter((f) => f.endsWith('.json'));
      } catch {
        return [] as string[];
      }
    })();
    const dashboards = byKind(objects(), 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards).toHaveLength(dashboardFiles.length);
    for (const f of dashboardFiles) {
      const cm = dashboards.find((d) => d.data?.[f] !== undefined);
      expect(cm).toBeDefined();
      expect(JSON.parse(cm!.data![f]!)).toEqual(JSON.parse(readFileSync(join(CHARTS, 'commonhold', 'generated', 'dashboards', f), 'utf8')));
    }
  });
});

/**
 * Argo Rollouts' own semantics, reimplemented for the check: arg placeholders resolved textually,
 * then Metric.EffectiveCount() — count if > 0; 1 when neither count nor interval is set; otherwise
 * unbounded (null).
 */
function effectiveCounts(template: K8sObject, args: Record<string, string>): Record<string, number | null> {
  const values: Record<string, string> = {};
  for (const a of template.spec.args) values[a.name] = a.value ?? 'dummy-value'; // Argo's placeholder for args without a default
  Object.assign(values, args);
  const resolved = JSON.parse(JSON.stringify(template.spec.metrics).replace(/\{\{\s*args\.([a-z-]+)\s*\}\}/g, (_, n: string) => values[n] ?? `{{args.${n}}}`));
  const out: Record<string, number | null> = {};
  for (const m of resolved) {
    const count = m.count === undefined ? 0 : Number.parseInt(String(m.count), 10) || 0;
    out[m.name] = count > 0 ? count : m.interval ? null : 1;
  }
  return out;
}

describe('the analysis under Argo Rollouts semantics', () => {
  const template = (): K8sObject => byKind(renders.default, 'AnalysisTemplate')[0]!;
  const argsOf = (list: any[]): Record<string, string> => Object.fromEntries(list.filter((a) => a.value !== undefined).map((a) => [a.name, a.value]));

  it("passes Argo's check for inline steps: with the template's own defaults every metric has a finite count >= failureLimit", () => {
    for (const [name, count] of Object.entries(effectiveCounts(template(), {}))) {
      expect(`${name}: ${count}`).toBe(`${name}: 3`);
    }
  });

  it('completes each step analysis after stepMeasurements, and runs the background analysis until the rollout ends', () => {
    for (const which of ['default', 'production'] as const) {
      for (const s of SERVICES) {
        const canary = find(renders[which], 'Rollout', s).spec.strategy.canary;
        const v = serviceValues(s, which === 'production' ? productionValues : undefined);
        for (const step of canary.steps.filter((x: any) => x.analysis)) {
          expect(Object.values(effectiveCounts(template(), argsOf(step.analysis.args)))).toEqual([v.canary.analysis.stepMeasurements, v.canary.analysis.stepMeasurements]);
        }
        expect(Object.values(effectiveCounts(template(), argsOf(canary.analysis.args)))).toEqual([null, null]);
      }
    }
  });
});

describe('values-production.yaml', () => {
  const objects = (): K8sObject[] => renders.production;

  it('autoscales every service within its HPA bounds, so the Rollouts leave replicas to the HPA', () => {
    for (const s of SERVICES) {
      const v = serviceValues(s, productionValues);
      const hpa = find(objects(), 'HorizontalPodAutoscaler', s).spec;
      expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: s });
      expect(hpa.minReplicas).toBe(v.autoscaling.minReplicas);
      expect(hpa.maxReplicas).toBe(v.autoscaling.maxReplicas);
      expect(hpa.minReplicas).toBeGreaterThanOrEqual(3);
      expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas);
      expect(hpa.metrics[0]).toEqual({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: v.autoscaling.targetCPUUtilizationPercentage } } });
      expect(find(objects(), 'Rollout', s).spec.replicas).toBeUndefined();
      const pdb = find(objects(), 'PodDisruptionBudget', s).spec;
      expect(pdb.minAvailable).toBe(2);
      expect(pdb.minAvailable).toBeLessThan(hpa.minReplicas);
      expect(pdb.maxUnavailable).toBeUndefined();
    }
    expect(byKind(renders.default, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('uses larger resources, the release image tag, the OTLP endpoint and stricter spreading than the defaults', () => {
    for (const s of SERVICES) {
      const prod = find(objects(), 'Rollout', s).spec.template.spec;
      const dev = find(renders.default, 'Rollout', s).spec.template.spec;
      expect(prod.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '384Mi' }, limits: { cpu: '2', memory: '768Mi' } });
      expect(prod.containers[0].resources).not.toEqual(dev.containers[0].resources);
      expect(prod.containers[0].image).toBe(`ghcr.io/commonhold/${s}:${productionValues.global.commonhold.image.tag}`);
      expect(prod.topologySpreadConstraints[0].whenUnsatisfiable).toBe('DoNotSchedule');
      expect(find(objects(), 'ConfigMap', `${s}-config`).data!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector.observability.svc:4318');
      expect(find(renders.default, 'ConfigMap', `${s}-config`).data!.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    }
  });
});

describe('config rollouts', () => {
  it('changes a pod template checksum exactly when that service’s rendered config changes', () => {
    const checksum = (objects: K8sObject[], s: string) => find(objects, 'Rollout', s).spec.template.metadata.annotations['checksum/config'];
    const sameAgain = template(umbrella);
    const oneService = template(umbrella, ['--set', 'fundraising.env.DEFAULT_CURRENCY=EUR', '--set', 'global.commonhold.image.tag=other']);
    const everyService = template(umbrella, ['--set', 'global.commonhold.env.LOG_LEVEL=debug']);
    for (const s of SERVICES) {
      expect(checksum(sameAgain, s)).toBe(checksum(renders.default, s));
      expect(checksum(everyService, s)).not.toBe(checksum(renders.default, s));
      expect(find(everyService, 'ConfigMap', `${s}-config`).data!.LOG_LEVEL).toBe('debug');
    }
    expect(checksum(oneService, 'fundraising')).not.toBe(checksum(renders.default, 'fundraising'));
    // An image change alone is a new pod template anyway; its config checksum stays put.
    for (const s of SERVICES.filter((x) => x !== 'fundraising')) expect(checksum(oneService, s)).toBe(checksum(renders.default, s));
  });
});

describe('validateValues', () => {
  it('fails once, listing every problem, for bad values (missing image tag and negative replicas, …)', () => {
    const r = helm(
      ['template', 'x', appChart, '-f', join(CHARTS, 'commonhold-service', 'ci', 'subgraph-values.yaml'), '--set', 'image.tag=', '--set', 'replicaCount=-1', '--set', 'slo.availabilityObjective=2', '--set', 'existingSecret='],
      { allowFailure: true },
    );
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.match(/VALUES VALIDATION/g)).toHaveLength(1);
    expect(r.stderr).toContain('VALUES VALIDATION (fundraising)');
    expect(r.stderr).toContain('image.tag is required');
    expect(r.stderr).toContain('replicaCount -1 must be an integer >= 0');
    expect(r.stderr).toContain('slo.availabilityObjective 2 must be a ratio strictly between 0 and 1');
    expect(r.stderr).toContain('existingSecret is required for a service with a database');
  });

  it('names the failing service when the umbrella carries the bad values', () => {
    const r = helm(['template', 'x', umbrella, '--set', 'volunteers.replicaCount=-3', '--set', 'volunteers.port=70000', '--set', 'volunteers.canary.analysis.stepMeasurements=1', '--set', 'volunteers.pdb.minAvailable=5'], {
      allowFailure: true,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr.match(/VALUES VALIDATION/g)).toHaveLength(1);
    expect(r.stderr).toContain('VALUES VALIDATION (volunteers)');
    for (const msg of ['replicaCount -3', 'port 70000 must be an integer between 1 and 65535', 'stepMeasurements 1 must be an integer >= 2', 'pdb.minAvailable and pdb.maxUnavailable are mutually exclusive']) {
      expect(r.stderr).toContain(msg);
    }
  });

  it('refuses to loosen the hardened security context or to give the gateway a database', () => {
    const r = helm(
      ['template', 'x', appChart, '-f', join(CHARTS, 'commonhold-service', 'ci', 'gateway-values.yaml'), '--set', 'containerSecurityContext.readOnlyRootFilesystem=false', '--set', 'podSecurityContext.runAsUser=0', '--set', 'database.enabled=true', '--set', 'env.database_url=x', '--set', `fullnameOverride=${'g'.repeat(70)}`],
      { allowFailure: true },
    );
    expect(r.status).not.toBe(0);
    // A 70-character override is cut to 63 by the name helper, then refused: -canary/-migrate must still fit.
    for (const msg of ['must run as non-root', 'may not loosen readOnlyRootFilesystem', 'database.enabled must be false for the gateway', 'env key "database_url" must be an UPPER_SNAKE_CASE', `fullname "${'g'.repeat(63)}" is longer than 50 characters`]) {
      expect(r.stderr).toContain(msg);
    }
  });
});

describe('the app chart on its own', () => {
  it.each([['subgraph-values.yaml', 'fundraising'], ['gateway-values.yaml', 'gateway']] as const)('renders valid objects for ci/%s, with its own AnalysisTemplate', (file, service) => {
    const objects = extraRenders[file];
    expect(validation[file].problems).toEqual([]);
    expect(validation[file].validated).toBe(objects.length);
    const templates = byKind(objects, 'AnalysisTemplate');
    expect(templates.map((t) => t.metadata.name)).toEqual(['commonhold-canary']);
    expect(templates[0]!.spec).toEqual(byKind(renders.default, 'AnalysisTemplate')[0]!.spec);
    expect(find(objects, 'Rollout', service).spec.strategy.canary.steps.map((s: object) => Object.keys(s)[0])).toEqual(['setWeight', 'analysis', 'setWeight', 'analysis', 'setWeight']);
    expect(forService(objects, 'Job', service)).toHaveLength(service === 'gateway' ? 0 : 1);
  });

  it('drops the analysis gates (and the template) only when canary analysis is switched off, as the skaffold dev profile does', () => {
    const objects = template(umbrella, ['--set', 'global.commonhold.canaryAnalysis=false']);
    expect(byKind(objects, 'AnalysisTemplate')).toEqual([]);
    for (const s of SERVICES) {
      const canary = find(objects, 'Rollout', s).spec.strategy.canary;
      expect(canary.steps).toEqual([{ setWeight: 10 }, { setWeight: 50 }, { setWeight: 100 }]);
      expect(canary.analysis).toBeUndefined();
    }
  });

  it('mounts a JWKS ConfigMap in place of JWKS_URL when one is given', () => {
    const objects = extraRenders.jwks;
    expect(validation.jwks.problems).toEqual([]);
    for (const s of SERVICES) {
      const pod = find(objects, 'Rollout', s).spec.template.spec;
      expect(pod.volumes).toContainEqual({ name: 'jwks', configMap: { name: 'commonhold-jwks' } });
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'jwks', mountPath: '/etc/commonhold/jwks', readOnly: true });
      const data = find(objects, 'ConfigMap', `${s}-config`).data!;
      expect(data.JWKS_FILE).toBe('/etc/commonhold/jwks/jwks.json');
      expect(data.JWKS_URL).toBeUndefined();
    }
  });
});
