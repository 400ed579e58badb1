{{/* Names and labels shared by every object of the release. */}}
{{- define "apo.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "apo.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "apo.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "apo.secretName" -}}
{{- default (printf "%s-secrets" (include "apo.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* Pod-level settings the API, the worker and the setup Job share. */}}
{{- define "apo.podSpec" -}}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: 64Mi
  {{- if .Values.filesSecret }}
  - name: files
    secret:
      secretName: {{ .Values.filesSecret }}
      defaultMode: 0440
  {{- end }}
{{- end -}}

{{/* Container settings the API, the worker and the setup Job share: `config` as environment variables, the Secret's keys. */}}
{{- define "apo.container" -}}
image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
imagePullPolicy: {{ .Values.image.pullPolicy }}
envFrom:
  - secretRef:
      name: {{ include "apo.secretName" . }}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
volumeMounts:
  - name: tmp
    mountPath: /tmp
  {{- if .Values.filesSecret }}
  - name: files
    mountPath: /etc/amazon-pay-orders
    readOnly: true
  {{- end }}
{{- end -}}

{{/* `config` as `env` entries (strings), but for the keys the container sets itself (`own`). */}}
{{- define "apo.configEnv" -}}
{{- $own := .own }}
{{- range $key, $value := .root.Values.config }}
{{- if not (has $key $own) }}
- name: {{ $key }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Rolls the pods when the chart's own Secret changes (config changes change the pod spec itself). */}}
{{- define "apo.podAnnotations" -}}
{{- if not .Values.existingSecret }}
checksum/secrets: {{ .Values.secrets | toJson | sha256sum }}
{{- end }}
{{- end -}}

{{/* Spreads a component's pods over nodes (best effort). */}}
{{- define "apo.spread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "apo.selector" . | nindent 8 }}
{{- end -}}
