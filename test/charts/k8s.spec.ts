// k8s/: the kustomize overlays rendered by the real kubectl (offline: the base and overlays use
// local files only), every object validated with the kubernetes-models packages (Strimzi,
// CloudNativePG, core), and the pieces checked against what the chart and the event catalog expect.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogTopics, renderTopics, TOPICS_FILE } from '../../k8s/generate-topics';
import { CHARTS, REPO, byKind, find, kubectl, parseManifests, readYaml, selects, umbrellaServices, validateSets, type K8sObject, type ModelValidation } from './support';
import { dbName, loadRegistry } from '../../scripts/platform/registry';

type Values = Record<string, any>;
const umbrellaValues = readYaml<Values>(join(CHARTS, 'commonhold', 'values.yaml'));
const servicesWithDatabase = umbrellaServices().filter((s) => umbrellaValues[s]?.role !== 'gateway' && umbrellaValues[s]?.database?.enabled !== false);

const overlays: Record<'dev' | 'prod', K8sObject[]> = { dev: [], prod: [] };
let validation = {} as Record<'dev' | 'prod', ModelValidation>;

/**
 * kustomize's secretGenerator wraps long base64 values over several lines; the API server's
 * decoder (Go's encoding/base64) skips newlines, the model's "byte" format check does not.
 */
const asServerDecodes = (objects: K8sObject[]): K8sObject[] =>
  objects.map((o) => (o.kind === 'Secret' && o.data ? { ...o, data: Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, String(v).replace(/\s+/g, '')])) } : o));

const secretValue = (objects: K8sObject[], name: string, key: string): string => {
  const data = find(objects, 'Secret', name).data ?? {};
  if (data[key] === undefined) throw new Error(`Secret ${name} has no key ${key}`);
  return Buffer.from(String(data[key]).replace(/\s+/g, ''), 'base64').toString('utf8');
};

beforeAll(() => {
  for (const env of ['dev', 'prod'] as const) overlays[env] = parseManifests(kubectl(['kustomize', join(REPO, 'k8s', 'overlays', env)]));
  validation = validateSets({ dev: asServerDecodes(overlays.dev), prod: asServerDecodes(overlays.prod) });
}, 120_000);

it('keeps k8s/base/kafka-topics.yaml identical to what k8s/generate-topics.ts writes from schemas/events', () => {
  // Stale? run: node --import tsx k8s/generate-topics.ts
  expect(readFileSync(TOPICS_FILE, 'utf8')).toBe(renderTopics());
});

describe.each(['dev', 'prod'] as const)('the %s overlay', (env) => {
  const objects = (): K8sObject[] => overlays[env];
  const replicas = env === 'dev' ? 1 : 3;

  it('renders objects that all validate against their schema models (core, Strimzi, CloudNativePG)', () => {
    expect(validation[env].problems).toEqual([]);
    expect(validation[env].validated).toBe(objects().length);
    const kinds = new Set(objects().map((o) => o.kind));
    for (const k of ['Namespace', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'Cluster', 'Deployment', 'Service', 'NetworkPolicy']) expect(kinds).toContain(k);
  });

  it('puts everything in the commonhold namespace the chart is installed in', () => {
    find(objects(), 'Namespace', 'commonhold');
    for (const o of objects().filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('commonhold');
    expect(find(objects(), 'Namespace', 'commonhold').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' });
  });

  it('runs Kafka in KRaft mode from a dual-role node pool, reachable where the chart points KAFKA_BROKERS', () => {
    const kafka = find(objects(), 'Kafka', 'commonhold');
    expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(kafka.spec.zookeeper).toBeUndefined();
    expect(kafka.spec.kafka.replicas).toBeUndefined(); // nodes come from KafkaNodePools
    const pools = byKind(objects(), 'KafkaNodePool');
    expect(pools).toHaveLength(1);
    expect(pools[0]!.metadata.labels?.['strimzi.io/cluster']).toBe('commonhold');
    expect(pools[0]!.spec.roles.sort()).toEqual(['broker', 'controller']);
    expect(pools[0]!.spec.replicas).toBe(replicas);
    expect(kafka.spec.kafka.config['default.replication.factor']).toBe(replicas);
    expect(kafka.spec.kafka.config['min.insync.replicas']).toBe(env === 'dev' ? 1 : 2);
    expect(kafka.spec.entityOperator.topicOperator).toEqual({});
    const plain = kafka.spec.kafka.listeners.find((l: any) => l.tls === false);
    expect(umbrellaValues.global.commonhold.env.KAFKA_BROKERS).toBe(`${kafka.metadata.name}-kafka-bootstrap:${plain.port}`);
  });

  it('declares a KafkaTopic for every topic of the event catalog and its .dlq, on the Kafka cluster', () => {
    const topics = byKind(objects(), 'KafkaTopic');
    const catalog = catalogTopics();
    expect(catalog).toEqual(expect.arrayContaining(['fundraising.contact', 'fundraising.gift']));
    expect(topics.map((t) => t.spec.topicName).sort()).toEqual(catalog.flatMap((t) => [t, `${t}.dlq`]).sort());
    for (const t of topics) {
      expect(t.metadata.labels?.['strimzi.io/cluster']).toBe('commonhold');
      expect(t.spec.replicas).toBe(replicas);
      expect(t.spec.partitions).toBeGreaterThanOrEqual(1);
      expect(t.metadata.name).toBe(t.spec.topicName.replace(/\./g, '-'));
    }
  });

  it('gives every service with a database its own CloudNativePG cluster, an owner for migrations and an app role without BYPASSRLS', () => {
    const clusters = byKind(objects(), 'Cluster');
    expect(servicesWithDatabase.sort()).toEqual(loadRegistry().filter((m) => m.database).map((m) => m.name).sort());
    expect(clusters.map((c) => c.metadata.name).sort()).toEqual(servicesWithDatabase.map((s) => `${s}-db`).sort());
    for (const s of servicesWithDatabase) {
      const spec = find(objects(), 'Cluster', `${s}-db`).spec;
      expect(spec.instances).toBe(replicas);
      expect(spec.enableSuperuserAccess).toBe(false);
      const db = dbName(s);
      expect(spec.bootstrap.initdb).toMatchObject({ database: db, owner: `${db}_owner`, secret: { name: `${s}-db-owner` } });
      const sql: string[] = spec.bootstrap.initdb.postInitApplicationSQL;
      expect(sql[0]).toBe(`CREATE ROLE ${db}_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
      expect(sql).toContain(`ALTER DEFAULT PRIVILEGES FOR ROLE ${db}_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${db}_app`);
      expect(spec.managed.roles).toEqual([
        expect.objectContaining({ name: `${db}_app`, ensure: 'present', login: true, superuser: false, bypassrls: false, createdb: false, createrole: false, passwordSecret: { name: `${s}-db-app` } }),
      ]);
    }
  });

  it('runs Redis hardened, where the gateway looks for it, reachable only from gateway pods', () => {
    const pod = find(objects(), 'Deployment', 'redis').spec.template;
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.spec.containers[0].image).toMatch(/^redis:\d/);
    const svc = find(objects(), 'Service', 'redis');
    expect(selects(svc.spec.selector, pod.metadata.labels)).toBe(true);
    expect(umbrellaValues.gateway.env.REDIS_URL).toBe(`redis://${svc.metadata.name}:${svc.spec.ports[0].port}`);
    const np = find(objects(), 'NetworkPolicy', 'redis').spec;
    expect(selects(np.podSelector.matchLabels, pod.metadata.labels)).toBe(true);
    expect(np.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/part-of': 'commonhold' } } }], ports: [{ port: 'redis', protocol: 'TCP' }] }]);
  });
});

describe('the dev overlay', () => {
  it("generates the Secrets the chart's existingSecret and the database roles name, with URLs that match each other", () => {
    const objects = overlays.dev;
    for (const s of servicesWithDatabase) {
      const existing = umbrellaValues[s].existingSecret as string;
      expect(existing).toBe(`${s}-env`);
      const owner = { user: secretValue(objects, `${s}-db-owner`, 'username'), password: secretValue(objects, `${s}-db-owner`, 'password') };
      const app = { user: secretValue(objects, `${s}-db-app`, 'username'), password: secretValue(objects, `${s}-db-app`, 'password') };
      expect(find(objects, 'Secret', `${s}-db-owner`).type).toBe('kubernetes.io/basic-auth');
      expect(find(objects, 'Secret', `${s}-db-app`).type).toBe('kubernetes.io/basic-auth');
      // Database and role names are the service's with `_` for `-` (bulk-ops → bulk_ops_app).
      expect(owner.user).toBe(`${dbName(s)}_owner`);
      expect(app.user).toBe(`${dbName(s)}_app`);
      const appUrl = new URL(secretValue(objects, existing, 'DATABASE_URL'));
      const ownerUrl = new URL(secretValue(objects, existing, 'DATABASE_MIGRATION_URL'));
      for (const [url, role] of [[appUrl, app], [ownerUrl, owner]] as const) {
        expect(url.protocol).toBe('postgres:');
        expect(url.hostname).toBe(`${s}-db-rw`); // CloudNativePG's read-write Service
        expect(url.port).toBe('5432');
        expect(url.pathname).toBe(`/${dbName(s)}`);
        expect([decodeURIComponent(url.username), decodeURIComponent(url.password)]).toEqual([role.user, role.password]);
      }
    }
  });
});

describe('the prod overlay', () => {
  it('commits no Secrets (they come from the secret manager) and spreads database instances across zones', () => {
    expect(byKind(overlays.prod, 'Secret')).toEqual([]);
    for (const c of byKind(overlays.prod, 'Cluster')) expect(c.spec.affinity).toMatchObject({ enablePodAntiAffinity: true, topologyKey: 'topology.kubernetes.io/zone' });
  });
});

it('pins the Argo Rollouts install to a released version', () => {
  const k = readYaml<{ resources: string[] }>(join(REPO, 'k8s', 'operators', 'kustomization.yaml'));
  const remote = k.resources.filter((r) => r.startsWith('https://'));
  expect(remote).toHaveLength(1);
  expect(remote[0]).toMatch(/^https:\/\/github\.com\/argoproj\/argo-rollouts\/releases\/download\/v\d+\.\d+\.\d+\/install\.yaml$/);
});
