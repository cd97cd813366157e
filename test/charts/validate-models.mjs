// Validates Kubernetes objects against the schema models of `kubernetes-models` and its CRD
// companions (Argo Rollouts, prometheus-operator, Strimzi, CloudNativePG). A separate Node process:
// those packages are ESM-only, which jest's CommonJS module runtime cannot load.
// stdin: a JSON array of objects. stdout: a JSON array of problems, [] when every object is valid.
// An object whose apiVersion/kind has no model is a problem too: nothing goes unvalidated.
const MODULES = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'argoproj.io/v1alpha1': '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'kafka.strimzi.io/v1': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1',
  'kafka.strimzi.io/v1beta2': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2',
  'postgresql.cnpg.io/v1': '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1',
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
const objects = JSON.parse(input);
const problems = [];
const loaded = new Map();
for (const [index, obj] of objects.entries()) {
  const where = { index, apiVersion: obj?.apiVersion, kind: obj?.kind, name: obj?.metadata?.name };
  const spec = MODULES[obj?.apiVersion];
  if (!spec) {
    problems.push({ ...where, error: `no schema model for apiVersion ${obj?.apiVersion}` });
    continue;
  }
  if (!loaded.has(spec)) loaded.set(spec, await import(spec));
  const Model = loaded.get(spec)[obj.kind];
  if (typeof Model !== 'function') {
    problems.push({ ...where, error: `no schema model for ${obj.apiVersion} ${obj.kind}` });
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (err) {
    problems.push({ ...where, error: String(err?.message ?? err) });
  }
}
process.stdout.write(JSON.stringify({ validated: objects.length, problems }));
