/**
 * Turns raw input (JSON from a URL, a slash command, a form or a submission) into a validated config, or a
 * PaperlabError whose issues name each bad field, its bound and the value given.
 */
import { z } from 'zod';
import { type FieldIssue, PaperlabError } from '../errors.ts';
import type { Experiment } from './contract.ts';

type JsonSchema = {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  description?: string;
};

const schemaCache = new WeakMap<z.ZodType, JsonSchema>();

/** The JSON Schema (draft 2020-12, input side: defaulted fields optional) of an experiment's config. */
export function configJsonSchema(schema: z.ZodType): Record<string, unknown> {
  let js = schemaCache.get(schema);
  if (!js) {
    js = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
    schemaCache.set(schema, js);
  }
  return js as Record<string, unknown>;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function range(js: JsonSchema, noun: string): string {
  const lo = js.minimum ?? js.exclusiveMinimum;
  const hi = js.maximum ?? js.exclusiveMaximum;
  const loOp = js.exclusiveMinimum !== undefined ? 'greater than' : 'at least';
  const hiOp = js.exclusiveMaximum !== undefined ? 'less than' : 'at most';
  if (lo !== undefined && hi !== undefined) {
    if (js.exclusiveMinimum === undefined && js.exclusiveMaximum === undefined) {
      return `${noun} between ${lo} and ${hi}`;
    }
    return `${noun} ${loOp} ${lo} and ${hiOp} ${hi}`;
  }
  if (lo !== undefined) return `${noun} ${loOp} ${lo}`;
  if (hi !== undefined) return `${noun} ${hiOp} ${hi}`;
  return noun;
}

/** A short English description of what a JSON Schema accepts ("a number between 1 and 100000"). */
export function describeSchema(js: JsonSchema | undefined): string {
  if (!js) return 'a valid value';
  if (js.anyOf) return js.anyOf.map(describeSchema).join(' or ');
  if (js.const !== undefined) return show(js.const);
  if (js.enum) return `one of ${js.enum.map(show).join(', ')}`;
  switch (js.type) {
    case 'integer':
      return range(js, 'a whole number');
    case 'number':
      return range(js, 'a number');
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'array': {
      const n =
        js.minItems !== undefined && js.maxItems !== undefined
          ? `${js.minItems} to ${js.maxItems}`
          : js.maxItems !== undefined
            ? `at most ${js.maxItems}`
            : js.minItems !== undefined
              ? `at least ${js.minItems}`
              : 'any number of';
      return `a list of ${n} items, each ${describeSchema(js.items)}`;
    }
    default:
      return 'a valid value';
  }
}

function fieldSchema(root: JsonSchema, path: readonly PropertyKey[]): JsonSchema | undefined {
  let js: JsonSchema | undefined = root;
  for (const key of path) {
    if (!js) return undefined;
    if (typeof key === 'number') js = js.items;
    else js = js.properties?.[String(key)];
  }
  return js;
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) =>
      typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key),
    '',
  );
}

/** Converts zod issues into one student-readable FieldIssue per invalid field. */
export function toFieldIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  const root = configJsonSchema(schema) as JsonSchema;
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const valid = Object.keys(fieldSchema(root, issue.path)?.properties ?? {});
      for (const key of issue.keys) {
        const field = fieldName([...issue.path, key]) || '""';
        out.push({
          field,
          message: `unknown field ${JSON.stringify(field)}; valid fields are ${valid.join(', ')}`,
        });
      }
      continue;
    }
    const field = fieldName(issue.path) || 'config';
    const received = (issue as { input?: unknown }).input;
    const js = fieldSchema(root, issue.path);
    const expected = issue.code === 'custom' ? issue.message : describeSchema(js);
    const message =
      issue.path.length === 0 && issue.code === 'invalid_type'
        ? `the config must be a JSON object; got ${show(received)}`
        : `${field} must be ${expected}; got ${show(received)}`;
    out.push({ field, message, received });
  }
  return out;
}

/**
 * Validates raw input against an experiment's schema and its work limit. `undefined` means "all defaults".
 * Throws `PaperlabError('INVALID_CONFIG')` with one issue per bad field; never throws anything else.
 */
export function parseConfig<S extends z.ZodObject>(
  experiment: Experiment<S, unknown>,
  raw: unknown,
): z.output<S> {
  const input = raw === undefined || raw === null ? {} : raw;
  const parsed = experiment.config.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issues = toFieldIssues(experiment.config, parsed.error.issues);
    throw new PaperlabError(
      'INVALID_CONFIG',
      `Invalid config for ${experiment.id}: ${issues.map((i) => i.message).join('; ')}`,
      issues,
    );
  }
  const work = experiment.work(parsed.data);
  if (!(work <= experiment.limits.maxWork)) {
    const fields = experiment.workFields.join(', ');
    const issue: FieldIssue = {
      field: experiment.workFields[0] ?? 'config',
      message: `this config is too large to run here (${fields} give ${Math.round(work).toLocaleString('en')} work units; the limit is ${experiment.limits.maxWork.toLocaleString('en')}): reduce ${fields}`,
      received: Object.fromEntries(
        experiment.workFields.map((f) => [f, (parsed.data as Record<string, unknown>)[f]]),
      ),
    };
    throw new PaperlabError('INVALID_CONFIG', `Invalid config for ${experiment.id}: ${issue.message}`, [
      issue,
    ]);
  }
  return parsed.data;
}
