{{/*
Rollout. Each service is an Argo Rollouts canary: setWeight 10 → analysis → setWeight 50 →
analysis → setWeight 100, the same AnalysisTemplate also running in the background from the first
analysis step on. Without trafficRouting the weights are replica ratios behind the service's
"all pods" Service; with it (canary.trafficRouting) the mesh/ingress splits by weight between the
stable and canary Services.
*/}}

{{/* Usage: {{- include "commonhold.rollout.rollout" . }} — the Rollout manifest. */}}
{{- define "commonhold.rollout.rollout" -}}
{{- $analysis := eq (include "commonhold.analysis.enabled" .) "true" -}}
{{- $template := include "commonhold.analysis.name" . -}}
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: {{ include "commonhold.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "commonhold.labels.standard" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ .Values.revisionHistoryLimit | default 3 }}
  {{- with .Values.progressDeadlineSeconds }}
  progressDeadlineSeconds: {{ . }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "commonhold.labels.selector" . | nindent 6 }}
  template:
    {{- include "commonhold.pod.template" . | nindent 4 }}
  strategy:
    canary:
      stableService: {{ include "commonhold.names.suffixed" (dict "context" . "suffix" "stable") }}
      canaryService: {{ include "commonhold.names.suffixed" (dict "context" . "suffix" "canary") }}
      maxSurge: {{ .Values.canary.maxSurge | default "25%" | quote }}
      maxUnavailable: {{ .Values.canary.maxUnavailable | default 0 }}
      {{- with .Values.canary.trafficRouting }}
      trafficRouting:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $analysis }}
      analysis:
        templates:
          - templateName: {{ $template }}
        startingStep: {{ .Values.canary.analysis.backgroundStartingStep }}
        args:
          {{- include "commonhold.analysis.args" (dict "context" . "count" 0) | nindent 10 }}
      {{- end }}
      steps:
        - setWeight: 10
        {{- if $analysis }}
        - analysis:
            templates:
              - templateName: {{ $template }}
            args:
              {{- include "commonhold.analysis.args" (dict "context" . "count" .Values.canary.analysis.stepMeasurements) | nindent 14 }}
        {{- end }}
        - setWeight: 50
        {{- if $analysis }}
        - analysis:
            templates:
              - templateName: {{ $template }}
            args:
              {{- include "commonhold.analysis.args" (dict "context" . "count" .Values.canary.analysis.stepMeasurements) | nindent 14 }}
        {{- end }}
        - setWeight: 100
{{- end -}}
