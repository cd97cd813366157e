// skaffold.yaml: one artifact per deployable of the umbrella chart, wired into the chart's image
// values the way skaffold's helm deployer sets them, and the dev/prod profiles. Skaffold itself
// needs a cluster and a Docker engine; the image values it produces are rendered with real helm.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHARTS, REPO, find, prepareCharts, readYaml, template, umbrellaServices } from './support';

type Skaffold = Record<string, any>;
const skaffold = readYaml<Skaffold>(join(REPO, 'skaffold.yaml'));
const umbrellaValues = readYaml<Record<string, any>>(join(CHARTS, 'commonhold', 'values.yaml'));
const SERVICES = umbrellaServices();
const release = skaffold.deploy.helm.releases[0];

/** skaffold's template-variable suffix for an artifact: `/`, `-`, `.` and `:` become `_`. */
const sanitized = (image: string): string => image.replace(/[/\-.:]/g, '_');
const imageOf = (service: string): string => `${umbrellaValues.global.commonhold.image.registry}/${service}`;

it('is a skaffold v4 config with one helm release of the umbrella chart', () => {
  expect(skaffold.apiVersion).toMatch(/^skaffold\/v4beta\d+$/);
  expect(skaffold.kind).toBe('Config');
  expect(skaffold.deploy.helm.releases).toHaveLength(1);
  expect(release).toMatchObject({ name: 'commonhold', chartPath: 'charts/commonhold', namespace: 'commonhold', createNamespace: true });
  expect(existsSync(join(REPO, release.chartPath, 'Chart.yaml'))).toBe(true);
  // The umbrella's file:// app chart must carry its own library dependency before helm packages it.
  expect(skaffold.deploy.helm.hooks.before).toContainEqual({ host: { command: ['helm', 'dependency', 'build', 'charts/commonhold-service'] } });
});

it('builds one image per service of the umbrella chart from the root Dockerfile with SERVICE=<name>', () => {
  const artifacts: any[] = skaffold.build.artifacts;
  expect(artifacts.map((a) => a.image).sort()).toEqual(SERVICES.map(imageOf).sort());
  for (const s of SERVICES) {
    const a = artifacts.find((x) => x.image === imageOf(s));
    expect(a).toEqual({ image: `ghcr.io/commonhold/${s}`, context: '.', docker: { dockerfile: 'Dockerfile', buildArgs: { SERVICE: s } } });
  }
});

it("sets every service's image repository and tag@digest from its artifact", () => {
  const expected: Record<string, string> = {};
  for (const s of SERVICES) {
    const v = sanitized(imageOf(s));
    expected[`${s}.image.repository`] = `{{.IMAGE_REPO_${v}}}`;
    expected[`${s}.image.tag`] = `{{.IMAGE_TAG_${v}}}@{{.IMAGE_DIGEST_${v}}}`;
  }
  expect(release.setValueTemplates).toEqual(expected);
});

it('has a dev profile that port-forwards the gateway on 4000 and a prod profile with values-production.yaml', () => {
  const dev = skaffold.profiles.find((p: any) => p.name === 'dev');
  expect(dev.activation).toContainEqual({ command: 'dev' });
  expect(dev.portForward).toEqual([{ resourceType: 'service', resourceName: 'gateway', namespace: 'commonhold', port: umbrellaValues.gateway.port, localPort: 4000 }]);
  expect(umbrellaValues.gateway.port).toBe(4000);
  expect(dev.patches).toContainEqual({ op: 'add', path: '/deploy/helm/releases/0/setValues', value: expect.objectContaining({ 'global.commonhold.canaryAnalysis': false }) });
  const prod = skaffold.profiles.find((p: any) => p.name === 'prod');
  const valuesPatch = prod.patches.find((p: any) => p.path === '/deploy/helm/releases/0/valuesFiles');
  expect(valuesPatch).toEqual({ op: 'add', path: '/deploy/helm/releases/0/valuesFiles', value: ['charts/commonhold/values-production.yaml'] });
  for (const f of valuesPatch.value) expect(existsSync(join(REPO, f))).toBe(true);
});

it('renders the image references skaffold would set (repository, tag@sha256 digest) into every Rollout and migration Job', () => {
  const { dir, cleanup } = prepareCharts();
  try {
    const digest = `sha256:${'ab12'.repeat(16)}`;
    const sets = SERVICES.flatMap((s) => ['--set-string', `${s}.image.repository=registry.local:5000/${s}`, '--set-string', `${s}.image.tag=3f9c2e1@${digest}`]);
    const objects = template(join(dir, 'commonhold'), sets);
    for (const s of SERVICES) {
      expect(find(objects, 'Rollout', s).spec.template.spec.containers[0].image).toBe(`registry.local:5000/${s}:3f9c2e1@${digest}`);
      const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === `${s}-migrate`);
      if (job) expect(job.spec.template.spec.containers[0].image).toBe(`registry.local:5000/${s}:3f9c2e1@${digest}`);
    }
    // skaffold's helm deployer first renders with the artifact name as a placeholder for both values,
    // then its post-renderer swaps in the built image: the chart must render that too.
    const placeholders = SERVICES.flatMap((s) => ['--set-string', `${s}.image.repository=${imageOf(s)}`, '--set-string', `${s}.image.tag=${imageOf(s)}`]);
    const first = template(join(dir, 'commonhold'), placeholders);
    for (const s of SERVICES) expect(find(first, 'Rollout', s).spec.template.spec.containers[0].image).toBe(`${imageOf(s)}:${imageOf(s)}`);
  } finally {
    cleanup();
  }
}, 60_000);
