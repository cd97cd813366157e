{{/*
Canary analysis — docs/adr/0003-canary-analysis-contract.md is the contract; the queries and
conditions below are that text verbatim. Argo's own placeholders ({{args.x}}) are written as Helm
raw strings so Helm leaves them for the Rollouts controller to resolve.

One addition to the ADR's four args: `measurement-count`, the metrics' `count`. Argo blocks an
inline analysis step until its AnalysisRun completes, and a metric with an interval but no count
never completes — Argo even refuses such a template in a step ("runs indefinitely"), checking it
with the template's own arg defaults. So the default is a finite "3" (what that check sees), each
step passes canary.analysis.stepMeasurements, and the background run passes "0": Argo's "interval
without count", measuring until the rollout ends, as ADR 0003 intends.
*/}}

{{/* Usage: {{ include "commonhold.analysis.name" . }} — the shared AnalysisTemplate name (ADR 0003: commonhold-canary, one per release). */}}
{{- define "commonhold.analysis.name" -}}
{{- (.Values.analysis | default dict).templateName | default "commonhold-canary" -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.analysis.query" (dict "metric" "success-rate") }} — an ADR 0003 query, Argo placeholders intact. */}}
{{- define "commonhold.analysis.query" -}}
{{- $sel := `service="{{args.service-name}}",route="/graphql",rollouts_pod_template_hash="{{args.canary-hash}}"` -}}
{{- if eq .metric "success-rate" -}}
{{- printf `sum(rate(http_request_duration_seconds_count{%s,status_code!~"5.."}[2m])) / sum(rate(http_request_duration_seconds_count{%s}[2m]))` $sel $sel -}}
{{- else if eq .metric "latency-p95" -}}
{{- printf `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{%s}[2m])))` $sel -}}
{{- else -}}
{{- fail (printf "commonhold.analysis.query: unknown metric %q" .metric) -}}
{{- end -}}
{{- end -}}

{{/* Usage: {{- include "commonhold.analysis.template" (dict "context" . "name" "commonhold-canary") }} — the AnalysisTemplate manifest (ADR 0003). */}}
{{- define "commonhold.analysis.template" -}}
{{- $ctx := .context -}}
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: {{ .name }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "commonhold.labels.standard" $ctx | nindent 4 }}
spec:
  args:
    - name: service-name
    - name: canary-hash
    - name: latency-budget-seconds
    - name: prometheus-address
    - name: measurement-count
      value: "3"
  metrics:
    - name: success-rate
      interval: 1m
      count: {{ `{{args.measurement-count}}` | quote }}
      failureLimit: 1
      successCondition: {{ `len(result) > 0 && result[0] >= 0.99` | quote }}
      provider:
        prometheus:
          address: {{ `{{args.prometheus-address}}` | quote }}
          query: {{ include "commonhold.analysis.query" (dict "metric" "success-rate") | quote }}
    - name: latency-p95
      interval: 1m
      count: {{ `{{args.measurement-count}}` | quote }}
      failureLimit: 1
      successCondition: {{ `len(result) > 0 && result[0] <= {{args.latency-budget-seconds}}` | quote }}
      provider:
        prometheus:
          address: {{ `{{args.prometheus-address}}` | quote }}
          query: {{ include "commonhold.analysis.query" (dict "metric" "latency-p95") | quote }}
{{- end -}}

{{/* Usage: {{ include "commonhold.analysis.prometheusAddress" . }} — analysis.prometheusAddress, else global.commonhold.prometheus.address. */}}
{{- define "commonhold.analysis.prometheusAddress" -}}
{{- .Values.analysis.prometheusAddress | default (dig "commonhold" "prometheus" "address" "" (.Values.global | default dict)) -}}
{{- end -}}

{{/* Usage: {{- include "commonhold.analysis.args" (dict "context" . "count" "3") | nindent 8 }} — the args a Rollout passes to the template: this service, the canary's pod-template hash, its latency budget. */}}
{{- define "commonhold.analysis.args" -}}
{{- $ctx := .context -}}
- name: service-name
  value: {{ include "commonhold.names.name" $ctx | quote }}
- name: canary-hash
  valueFrom:
    podTemplateHashValue: Latest
- name: latency-budget-seconds
  value: {{ $ctx.Values.slo.latencyBudgetSeconds | toString | quote }}
- name: prometheus-address
  value: {{ include "commonhold.analysis.prometheusAddress" $ctx | quote }}
- name: measurement-count
  value: {{ .count | toString | quote }}
{{- end -}}

{{/* Usage: {{ include "commonhold.analysis.enabled" . }} — "true" unless canary.analysis.enabled or global.commonhold.canaryAnalysis is false (dev loops without traffic only). */}}
{{- define "commonhold.analysis.enabled" -}}
{{- $global := dig "commonhold" "canaryAnalysis" true (.Values.global | default dict) -}}
{{- and (ne (toString $global) "false") (ne (toString .Values.canary.analysis.enabled) "false") -}}
{{- end -}}
