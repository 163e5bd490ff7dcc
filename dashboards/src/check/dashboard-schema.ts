/**
 * A JSON Schema (draft-07) of the Grafana dashboard model (classic JSON, schemaVersion ≥ 36)
 * as far as Sluice's dashboards use it: closed objects (an unknown or misspelt key is an
 * error), typed grid positions, thresholds, overrides, variables and targets. Written from
 * Grafana's dashboard model (the foundation SDK's `dashboard` types, which the builders are
 * compiled against); the SDK package ships no JSON Schema of its own to validate with.
 */
const datasourceRef = {
  type: 'object',
  additionalProperties: false,
  properties: { type: { type: 'string' }, uid: { type: 'string' } },
} as const;

const thresholds = {
  type: 'object',
  additionalProperties: false,
  required: ['mode', 'steps'],
  properties: {
    mode: { enum: ['absolute', 'percentage'] },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['value', 'color'],
        properties: { value: { type: ['number', 'null'] }, color: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;

const link = {
  type: 'object',
  required: ['title'],
  properties: { title: { type: 'string' }, url: { type: 'string' }, targetBlank: { type: 'boolean' } },
} as const;

const fieldConfig = {
  type: 'object',
  additionalProperties: false,
  properties: {
    displayName: { type: 'string' },
    displayNameFromDS: { type: 'string' },
    description: { type: 'string' },
    path: { type: 'string' },
    writeable: { type: 'boolean' },
    filterable: { type: 'boolean' },
    unit: { type: 'string', minLength: 1 },
    decimals: { type: 'number', minimum: 0 },
    min: { type: 'number' },
    max: { type: 'number' },
    interval: { type: 'number' },
    mappings: { type: 'array', items: { type: 'object' } },
    thresholds,
    color: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: { mode: { type: 'string' }, fixedColor: { type: 'string' }, seriesBy: { enum: ['min', 'max', 'last'] } },
    },
    links: { type: 'array', items: link },
    actions: { type: 'array', items: { type: 'object' } },
    noValue: { type: 'string' },
    fieldMinMax: { type: 'boolean' },
    custom: { type: 'object' },
  },
} as const;

const gridPos = {
  type: 'object',
  additionalProperties: false,
  required: ['h', 'w', 'x', 'y'],
  properties: {
    h: { type: 'integer', exclusiveMinimum: 0 },
    w: { type: 'integer', exclusiveMinimum: 0, maximum: 24 },
    x: { type: 'integer', minimum: 0, exclusiveMaximum: 24 },
    y: { type: 'integer', minimum: 0 },
    static: { type: 'boolean' },
  },
} as const;

const panel = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'id', 'title', 'gridPos', 'datasource', 'targets', 'fieldConfig', 'options'],
  properties: {
    type: { type: 'string', minLength: 1, not: { const: 'row' } },
    id: { type: 'integer', minimum: 1 },
    pluginVersion: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    targets: { type: 'array', minItems: 1, items: { type: 'object' } },
    title: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    transparent: { type: 'boolean' },
    datasource: datasourceRef,
    gridPos,
    links: { type: 'array', items: link },
    repeat: { type: 'string' },
    repeatDirection: { enum: ['h', 'v'] },
    maxPerRow: { type: 'number' },
    maxDataPoints: { type: 'number' },
    transformations: { type: 'array', items: { type: 'object', required: ['id', 'options'], properties: { id: { type: 'string' }, options: { type: 'object' }, disabled: { type: 'boolean' } } } },
    interval: { type: 'string' },
    timeFrom: { type: 'string' },
    timeShift: { type: 'string' },
    hideTimeOverride: { type: 'boolean' },
    cacheTimeout: { type: 'string' },
    queryCachingTTL: { type: 'number' },
    options: { type: 'object' },
    fieldConfig: {
      type: 'object',
      additionalProperties: false,
      required: ['defaults', 'overrides'],
      properties: {
        defaults: fieldConfig,
        overrides: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['matcher', 'properties'],
            properties: {
              matcher: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string' }, options: {} } },
              properties: {
                type: 'array',
                items: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', minLength: 1 }, value: {} } },
              },
            },
          },
        },
      },
    },
  },
} as const;

const rowPanel = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'collapsed', 'id', 'title', 'gridPos', 'panels'],
  properties: {
    type: { const: 'row' },
    collapsed: { type: 'boolean' },
    title: { type: 'string' },
    datasource: datasourceRef,
    gridPos,
    id: { type: 'integer', minimum: 1 },
    panels: { type: 'array', items: panel },
    repeat: { type: 'string' },
  },
} as const;

const optionValue = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;

const variable = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'name'],
  properties: {
    type: { enum: ['query', 'adhoc', 'constant', 'datasource', 'interval', 'textbox', 'custom', 'system', 'groupby'] },
    name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    label: { type: 'string' },
    hide: { enum: [0, 1, 2, 3] },
    skipUrlSync: { type: 'boolean' },
    description: { type: 'string' },
    // The string form: the plugin wraps it as SQL (the object form is not valid here).
    query: { type: 'string' },
    definition: { type: 'string' },
    datasource: datasourceRef,
    current: {
      type: 'object',
      additionalProperties: false,
      required: ['text', 'value'],
      properties: { selected: { type: 'boolean' }, text: optionValue, value: optionValue },
    },
    multi: { type: 'boolean' },
    options: { type: 'array', items: { type: 'object', required: ['text', 'value'], properties: { text: optionValue, value: optionValue, selected: { type: 'boolean' } } } },
    refresh: { enum: [0, 1, 2] },
    sort: { enum: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
    includeAll: { type: 'boolean' },
    allValue: { type: 'string' },
    regex: { type: 'string' },
    allowCustomValue: { type: 'boolean' },
    auto: { type: 'boolean' },
    auto_min: { type: 'string' },
    auto_count: { type: 'integer' },
    staticOptions: { type: 'array' },
    staticOptionsOrder: { enum: ['before', 'after', 'sorted'] },
  },
} as const;

export const DASHBOARD_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['uid', 'title', 'schemaVersion', 'templating', 'annotations', 'panels', 'time'],
  properties: {
    id: { type: ['integer', 'null'] },
    uid: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
    title: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    revision: { type: 'integer' },
    gnetId: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    timezone: { type: 'string' },
    editable: { type: 'boolean' },
    graphTooltip: { enum: [0, 1, 2] },
    time: { type: 'object', additionalProperties: false, required: ['from', 'to'], properties: { from: { type: 'string' }, to: { type: 'string' } } },
    timepicker: { type: 'object' },
    fiscalYearStartMonth: { type: 'integer', minimum: 0, maximum: 11 },
    liveNow: { type: 'boolean' },
    weekStart: { type: 'string' },
    refresh: { anyOf: [{ type: 'string' }, { const: false }] },
    schemaVersion: { type: 'integer', minimum: 36 },
    version: { type: 'integer' },
    panels: { type: 'array', items: { anyOf: [panel, rowPanel] } },
    templating: { type: 'object', additionalProperties: false, properties: { list: { type: 'array', items: variable } } },
    annotations: {
      type: 'object',
      additionalProperties: false,
      properties: {
        list: {
          type: 'array',
          items: { type: 'object', required: ['name', 'datasource', 'enable', 'iconColor'], properties: { name: { type: 'string' }, datasource: datasourceRef, enable: { type: 'boolean' }, iconColor: { type: 'string' } } },
        },
      },
    },
    links: { type: 'array', items: { type: 'object' } },
    preload: { type: 'boolean' },
  },
} as const;
