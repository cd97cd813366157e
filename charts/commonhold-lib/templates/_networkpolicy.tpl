{{/*
NetworkPolicy (ingress only; egress stays open for PostgreSQL, Kafka, Redis, JWKS and OTLP).
- subgraph: the service port accepts only pods labelled as the gateway (same namespace) and
  Prometheus (its namespace and pods); every other source is dropped. A subgraph trusts no caller
  anyway (it verifies the JWT itself); this keeps the supergraph the only way in.
- gateway: the entry point. By default its port accepts any source (the ingress controller, or a
  LoadBalancer's nodes, which vary by cluster); set networkPolicy.ingressFrom to a list of peers
  (e.g. the ingress controller's namespace) to narrow it. Prometheus is always allowed.
*/}}

{{/* Usage: {{- include "commonhold.networkPolicy.policy" . }} — the service's NetworkPolicy manifest. */}}
{{- define "commonhold.networkPolicy.policy" -}}
{{- $np := .Values.networkPolicy -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "commonhold.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "commonhold.labels.standard" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "commonhold.labels.selector" . | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    {{- if eq .Values.role "gateway" }}
    - ports:
        - port: http
          protocol: TCP
      {{- with $np.ingressFrom }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- else }}
    - ports:
        - port: http
          protocol: TCP
      from:
        - podSelector:
            matchLabels:
              {{- toYaml $np.gatewayPodLabels | nindent 14 }}
        {{- with $np.extraIngressFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    {{- end }}
    - ports:
        - port: http
          protocol: TCP
      from:
        - namespaceSelector:
            matchLabels:
              {{- toYaml $np.prometheus.namespaceLabels | nindent 14 }}
          podSelector:
            matchLabels:
              {{- toYaml $np.prometheus.podLabels | nindent 14 }}
{{- end -}}
