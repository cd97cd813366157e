{{/* Usage: {{- include "commonhold.pdb.pdb" . }} — a policy/v1 PodDisruptionBudget over the service's pods (stable and canary alike); pdb.minAvailable or pdb.maxUnavailable. */}}
{{- define "commonhold.pdb.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "commonhold.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "commonhold.labels.standard" . | nindent 4 }}
spec:
  {{- if not (kindIs "invalid" .Values.pdb.minAvailable) }}
  minAvailable: {{ .Values.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ .Values.pdb.maxUnavailable | default 1 }}
  {{- end }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "commonhold.labels.selector" . | nindent 6 }}
{{- end -}}
