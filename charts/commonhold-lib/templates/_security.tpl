{{/*
Security. Hardened by default (Pod Security Standard "restricted"): non-root with a numeric uid
(the node image's "node" user, so runAsNonRoot can be verified), read-only root filesystem with an
emptyDir on /tmp, every capability dropped, RuntimeDefault seccomp, no privilege escalation, no
service-account token mounted. Values can add to these, never loosen them silently: a value that
would turn one off is reported by commonhold.validate.values.
*/}}

{{/* Usage: securityContext: {{- include "commonhold.security.pod" . | nindent 8 }} — the pod securityContext. */}}
{{- define "commonhold.security.pod" -}}
{{- $base := dict "runAsNonRoot" true "runAsUser" 1000 "runAsGroup" 1000 "fsGroup" 1000 "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mergeOverwrite $base (deepCopy (.Values.podSecurityContext | default dict))) -}}
{{- end -}}

{{/* Usage: securityContext: {{- include "commonhold.security.container" . | nindent 12 }} — the container securityContext. */}}
{{- define "commonhold.security.container" -}}
{{- $base := dict "runAsNonRoot" true "runAsUser" 1000 "runAsGroup" 1000 "allowPrivilegeEscalation" false "privileged" false "readOnlyRootFilesystem" true "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mergeOverwrite $base (deepCopy (.Values.containerSecurityContext | default dict))) -}}
{{- end -}}

{{/* Usage: {{- include "commonhold.security.tmpVolumeMount" . | nindent 12 }} — mounts the writable /tmp (the root filesystem is read-only). */}}
{{- define "commonhold.security.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* Usage: {{- include "commonhold.security.tmpVolume" . | nindent 8 }} — the emptyDir behind /tmp (size from .Values.tmpSizeLimit). */}}
{{- define "commonhold.security.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit | default "64Mi" }}
{{- end -}}
