{{/* Usage: {{- include "commonhold.serviceAccount.account" . }} — the ServiceAccount the pods run as, with token automount off (the services never call the Kubernetes API). */}}
{{- define "commonhold.serviceAccount.account" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "commonhold.names.serviceAccount" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "commonhold.labels.standard" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end -}}
