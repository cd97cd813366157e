{{/*
ServiceMonitor (prometheus-operator). Scrapes /metrics through the "all pods" Service only (one
target per pod). podTargetLabels copies the pod label rollouts-pod-template-hash onto every series
as rollouts_pod_template_hash: the label ADR 0003's analysis queries use to tell canary from
stable. honorLabels keeps the `service` label the process sets (gateway, fundraising, …) instead of
letting the operator's own `service` target label (the Kubernetes Service name) rename it.
*/}}

{{/* Usage: {{- include "commonhold.serviceMonitor.monitor" . }} — the ServiceMonitor manifest. */}}
{{- define "commonhold.serviceMonitor.monitor" -}}
{{- $sm := .Values.serviceMonitor -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "commonhold.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "commonhold.labels.standard" . | nindent 4 }}
    {{- with (mergeOverwrite (dict) (dig "commonhold" "monitoringLabels" dict (.Values.global | default dict)) ($sm.labels | default dict)) }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "commonhold.labels.selector" . | nindent 6 }}
      commonhold.io/traffic: all
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  podTargetLabels:
    - rollouts-pod-template-hash
  endpoints:
    - port: http
      path: /metrics
      scheme: http
      interval: {{ $sm.interval | default "15s" }}
      scrapeTimeout: {{ $sm.scrapeTimeout | default "10s" }}
      honorLabels: true
{{- end -}}
