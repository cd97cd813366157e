// The metric-name extractor the metric-existence test relies on: table-driven over the shapes our
// rules, dashboards and analysis queries use, plus the ones that would fool a naive regex.
import { grafanaExprToPromql, metricReferences, metricNames, variableQueryReferences } from '../../packages/observability/src/promql';

describe('metricNames', () => {
  it.each([
    ['a bare name', 'up', ['up']],
    ['a selector with matchers', 'http_request_duration_seconds_count{service="gateway",route="/graphql"}', ['http_request_duration_seconds_count']],
    ['aggregation with by before the body', 'sum by (service, le) (rate(http_request_duration_seconds_bucket{route="/graphql"}[5m]))', ['http_request_duration_seconds_bucket']],
    ['aggregation with by after the body', 'sum(rate(events_published_total[5m])) by (topic)', ['events_published_total']],
    ['recording-rule names with colons', 'sli:request_errors:ratio_rate1h{service="x"} > (14.4 * 0.005)\nand\nsli:request_errors:ratio_rate5m{service="x"} > (14.4 * 0.005)', ['sli:request_errors:ratio_rate1h', 'sli:request_errors:ratio_rate5m']],
    ['or / vector matching keywords and numbers', '(sum by (service) (rate(a_total{x=~"5.."}[5m])) or 0 * sum by (service) (rate(b_total[5m]))) / on (service) group_left c_total', ['a_total', 'b_total', 'c_total']],
    ['label values that look like metric names', 'x_total{topic="fundraising.gift",group="sum"}', ['x_total']],
    ['Grafana placeholders in ranges and strings', 'rate(y_total{service=~"$service"}[$__rate_interval])', ['y_total']],
    ['Argo placeholders in strings', 'sum(rate(z_count{service="{{args.service-name}}"}[2m]))', ['z_count']],
    ['functions of functions', 'histogram_quantile(0.95, sum by (le) (rate(h_bucket[2m])))', ['h_bucket']],
    ['scientific notation and offsets', 'rate(c_total[5m] offset 1h) * 1e3 > bool 2.5e-2', ['c_total']],
    ['selection by __name__', '{__name__="w_total",job="j"}', ['w_total']],
    ['label_replace/vector carry no metric', 'label_replace(vector(0), "service", "gateway", "", "")', []],
    ['a subquery', 'max_over_time(rate(q_total[5m])[1h:1m])', ['q_total']],
  ])('%s', (_what, expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });

  it('reports the labels each selector matches on', () => {
    expect(metricReferences('sum(rate(a_count{service="g",route="/graphql",status_code!~"5.."}[2m])) / sum(rate(a_count{rollouts_pod_template_hash="h"}[2m]))')).toEqual([
      { name: 'a_count', labels: ['rollouts_pod_template_hash', 'route', 'service', 'status_code'] },
    ]);
  });
});

describe('variableQueryReferences', () => {
  it('reads the metric of label_values(metric, label) and nothing from label_values(label)', () => {
    expect(variableQueryReferences('label_values(http_request_duration_seconds_count, service)')).toEqual([{ name: 'http_request_duration_seconds_count', labels: ['service'] }]);
    expect(variableQueryReferences('label_values(service)')).toEqual([]);
    expect(variableQueryReferences('query_result(topk(5, sum by (topic) (rate(e_total[5m]))))').map((r) => r.name)).toEqual(['e_total']);
  });
});

describe('grafanaExprToPromql', () => {
  it('fills Grafana range variables and leaves other variables as plain words in strings', () => {
    expect(grafanaExprToPromql('rate(a{service=~"$service"}[$__rate_interval])')).toBe('rate(a{service=~"service"}[5m])');
  });
});
