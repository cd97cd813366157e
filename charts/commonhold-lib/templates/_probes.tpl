{{/*
Probes. The kit serves /health (process alive: liveness, never touches dependencies) and /ready
(database reachable, migrations applied, transport connected, not draining: readiness) on the
service port. A startup probe on /health gives a slow boot time before liveness starts counting.
*/}}

{{/* Usage: {{- include "commonhold.probes.container" . | nindent 10 }} — startupProbe, livenessProbe and readinessProbe on the "http" port. */}}
{{- define "commonhold.probes.container" -}}
{{- $p := .Values.probes | default dict -}}
startupProbe:
  httpGet:
    path: /health
    port: http
  {{- toYaml (mergeOverwrite (dict "periodSeconds" 2 "timeoutSeconds" 2 "failureThreshold" 30) (deepCopy ($p.startup | default dict))) | nindent 2 }}
livenessProbe:
  httpGet:
    path: /health
    port: http
  {{- toYaml (mergeOverwrite (dict "periodSeconds" 10 "timeoutSeconds" 2 "failureThreshold" 3) (deepCopy ($p.liveness | default dict))) | nindent 2 }}
readinessProbe:
  httpGet:
    path: /ready
    port: http
  {{- toYaml (mergeOverwrite (dict "periodSeconds" 5 "timeoutSeconds" 2 "failureThreshold" 2 "successThreshold" 1) (deepCopy ($p.readiness | default dict))) | nindent 2 }}
{{- end -}}
