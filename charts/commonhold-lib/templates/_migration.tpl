{{/*
Migrations. `node dist/main.js migrate` (the image's entrypoint with the argument `migrate`) applies the service's migrations as the database owner
(DATABASE_MIGRATION_URL) and exits. It runs as a Helm hook before the release's resources change
(pre-install, pre-upgrade), so the new schema is in place before a canary pod starts, while the
stable pods still serve: migrations must be expand/contract (docs/runbooks/rollback.md).
Hook pods start before this release's ConfigMap and ServiceAccount exist on a first install, so the
Job carries its env inline, reads secrets from the existing Secret and runs as the namespace's
default ServiceAccount without a token.
*/}}

{{/* Usage: {{- include "commonhold.migration.job" . }} — the pre-install/pre-upgrade migration Job manifest. */}}
{{- define "commonhold.migration.job" -}}
{{- $m := .Values.migrations -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "commonhold.names.suffixed" (dict "context" . "suffix" "migrate") }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- $labels := include "commonhold.labels.standard" . | fromYaml }}
    {{- $_ := set $labels "app.kubernetes.io/component" "migration" }}
    {{- toYaml $labels | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $m.backoffLimit }}
  activeDeadlineSeconds: {{ $m.activeDeadlineSeconds }}
  template:
    metadata:
      # Not the service's selector labels: the Services, PDB and Rollout must never select this pod.
      labels:
        app.kubernetes.io/instance: {{ .Release.Name }}
        app.kubernetes.io/part-of: commonhold
        app.kubernetes.io/component: migration
        commonhold.io/service: {{ include "commonhold.names.name" . }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "commonhold.security.pod" . | nindent 8 }}
      {{- with (include "commonhold.images.pullSecrets" .) }}{{ . | nindent 6 }}{{ end }}
      containers:
        - name: migrate
          image: {{ include "commonhold.images.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy | default "IfNotPresent" }}
          {{- with $m.command }}
          command:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          args:
            {{- toYaml $m.args | nindent 12 }}
          env:
            {{- include "commonhold.env.inline" . | trim | nindent 12 }}
          envFrom:
            {{- with .Values.existingSecret }}
            - secretRef:
                name: {{ . }}
            {{- end }}
            {{- range (.Values.extraEnvFromSecrets | default list) }}
            - secretRef:
                name: {{ . }}
            {{- end }}
          resources:
            {{- toYaml ($m.resources | default .Values.resources) | nindent 12 }}
          securityContext:
            {{- include "commonhold.security.container" . | nindent 12 }}
          volumeMounts:
            {{- include "commonhold.security.tmpVolumeMount" . | nindent 12 }}
      volumes:
        {{- include "commonhold.security.tmpVolume" . | nindent 8 }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}
