{{/* Names of the release's objects: <release>-api, <release>-agent-runner, ... */}}
{{- define "forge.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/*
Labels of one component. app.kubernetes.io/name is forge-<component> whatever the release is
called: the sandbox provider's NetworkPolicies let in pods labelled forge-api and forge-agent-runner.
*/}}
{{- define "forge.selectorLabels" -}}
app.kubernetes.io/name: forge-{{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end -}}

{{- define "forge.labels" -}}
{{ include "forge.selectorLabels" . }}
app.kubernetes.io/part-of: forge
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
{{- end -}}

{{- define "forge.image" -}}
{{ printf "%s:%s" .repository (toString .tag) }}
{{- end -}}

{{/* The restricted Pod Security Standard, for a pod running as `uid`. */}}
{{- define "forge.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
{{- if .fsGroup }}
fsGroup: {{ .uid }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "forge.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .readOnly | default false }}
capabilities:
  drop: ['ALL']
{{- end -}}

{{- define "forge.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "forge.fullname" .)) -}}
{{- end -}}

{{- define "forge.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{- define "forge.redisEnabled" -}}
{{- if or .Values.redis.bundled .Values.redis.url .Values.redis.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* DATABASE_URL: built from the generated password for the bundled server, else from a Secret. */}}
{{- define "forge.databaseEnv" -}}
{{- if .Values.database.bundled -}}
{{ include "forge.secretEnv" (dict "name" "POSTGRES_PASSWORD" "secret" (include "forge.secretName" .) "key" "POSTGRES_PASSWORD") }}
- name: DATABASE_URL
  value: postgres://forge:$(POSTGRES_PASSWORD)@{{ include "forge.fullname" . }}-postgres:5432/forge
{{- else -}}
{{ include "forge.secretEnv" (dict "name" "DATABASE_URL" "secret" .Values.database.existingSecret "key" .Values.database.existingSecretKey) }}
{{- end -}}
{{- end -}}

{{/* http://<release>-agent-runner-<i>.<release>-agent-runner:3002 for each replica, comma-separated. */}}
{{- define "forge.runnerUrls" -}}
{{- $name := printf "%s-agent-runner" (include "forge.fullname" .) -}}
{{- $urls := list -}}
{{- range $i := until (int .Values.agentRunner.replicas) -}}
{{- $urls = append $urls (printf "http://%s-%d.%s:3002" $name $i $name) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}

{{/* REDIS_URL when there is a Redis; nothing otherwise. */}}
{{- define "forge.redisEnv" -}}
{{- if .Values.redis.existingSecret -}}
{{ include "forge.secretEnv" (dict "name" "REDIS_URL" "secret" .Values.redis.existingSecret "key" .Values.redis.existingSecretKey) }}
{{- else if .Values.redis.url -}}
- name: REDIS_URL
  value: {{ .Values.redis.url | quote }}
{{- else if .Values.redis.bundled -}}
- name: REDIS_URL
  value: redis://{{ include "forge.fullname" . }}-redis:6379
{{- end -}}
{{- end -}}

{{/* The init container of the api and runner pods: waits for the migration Job's work. */}}
{{- define "forge.waitForMigrations" -}}
- name: wait-for-migrations
  image: {{ include "forge.image" .image }}
  imagePullPolicy: {{ .image.pullPolicy }}
  command: ['node', 'deploy/wait-for-migrations.cjs']
  env:
    {{- include "forge.databaseEnv" .ctx | nindent 4 }}
    - name: WAIT_FOR_MIGRATIONS_TIMEOUT_SECONDS
      value: {{ .ctx.Values.migrations.waitTimeoutSeconds | quote }}
  resources:
    requests:
      cpu: 50m
      memory: 128Mi
    limits:
      cpu: 500m
      memory: 256Mi
  securityContext:
    {{- include "forge.containerSecurityContext" (dict "readOnly" true) | nindent 4 }}
{{- end -}}

{{/* Settings that cannot work together stop the rendering with a message saying what to set. */}}
{{- define "forge.validate" -}}
{{- if and (gt (int .Values.api.replicas) 1) (not (include "forge.redisEnabled" .)) -}}
{{- fail (printf "api.replicas is %d: more than one API replica needs Redis for the Socket.IO adapter; set redis.bundled=true, or redis.url (or redis.existingSecret) to an external server" (int .Values.api.replicas)) -}}
{{- end -}}
{{- if lt (int .Values.agentRunner.replicas) 1 -}}
{{- fail (printf "agentRunner.replicas is %d: Forge needs at least one runner" (int .Values.agentRunner.replicas)) -}}
{{- end -}}
{{- if and (not .Values.database.bundled) (not .Values.database.existingSecret) -}}
{{- fail "database.bundled is false: set database.existingSecret to a Secret holding the external server's URL (key database.existingSecretKey)" -}}
{{- end -}}
{{- if and .Values.redis.bundled (or .Values.redis.url .Values.redis.existingSecret) -}}
{{- fail "redis.bundled is true and an external Redis is set too (redis.url or redis.existingSecret): choose one" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (or (not .Values.ingress.host) (not .Values.ingress.previewDomain)) -}}
{{- fail "ingress.enabled is true: set ingress.host (the UI's host name) and ingress.previewDomain" -}}
{{- end -}}
{{- end -}}
