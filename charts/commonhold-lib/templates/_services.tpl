{{/*
Services. Three per deployable:
- "<name>"        every ready pod, stable and canary: what clients call (the gateway's subgraph
                  URLs) and what the ServiceMonitor scrapes. Without trafficRouting, the canary
                  weight is the canary's share of these pods.
- "<name>-stable" and "<name>-canary": the Rollout's stableService/canaryService; the Argo
                  controller adds the rollouts-pod-template-hash selector to each, so a mesh or
                  ingress (canary.trafficRouting) can split traffic between them by weight.
*/}}

{{/* Usage: {{- include "commonhold.services.service" (dict "context" . "traffic" "stable") }} — one Service manifest; traffic is all | stable | canary. */}}
{{- define "commonhold.services.service" -}}
{{- $ctx := .context -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ if eq .traffic "all" }}{{ include "commonhold.names.fullname" $ctx }}{{ else }}{{ include "commonhold.names.suffixed" (dict "context" $ctx "suffix" .traffic) }}{{ end }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "commonhold.labels.standard" $ctx | nindent 4 }}
    commonhold.io/traffic: {{ .traffic }}
  {{- with $ctx.Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ if eq .traffic "all" }}{{ $ctx.Values.service.type | default "ClusterIP" }}{{ else }}ClusterIP{{ end }}
  selector:
    {{- include "commonhold.labels.selector" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $ctx.Values.port }}
      targetPort: http
      protocol: TCP
      appProtocol: http
{{- end -}}

{{/* Usage: {{- include "commonhold.services.all" . }} — the "all pods", stable and canary Services, as one YAML stream. */}}
{{- define "commonhold.services.all" -}}
{{ include "commonhold.services.service" (dict "context" . "traffic" "all") }}
---
{{ include "commonhold.services.service" (dict "context" . "traffic" "stable") }}
---
{{ include "commonhold.services.service" (dict "context" . "traffic" "canary") }}
{{- end -}}
