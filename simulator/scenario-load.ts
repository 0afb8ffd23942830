// Reads a scenario file (YAML, or JSON by extension) into a validated Scenario. Every error
// names the file and the field, and says what a good value looks like.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { core } from 'zod';
import { SkywireError } from '../src/errors.ts';
import { checkRefs } from './scenario-refs.ts';
import { scenarioSchema, toScenario, type Scenario } from './scenario-schema.ts';

export const loadScenario = (file: string): Scenario => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const fix = code === 'ENOENT' ? 'check the path (the scenarios/ folder has examples such as scenarios/quickstart.yaml)' : 'check the file exists and is readable';
    throw new SkywireError('SCENARIO_UNREADABLE', `cannot read scenario ${file} (${code ?? 'error'}): ${fix}`, { cause: e });
  }
  return parseScenario(text, file);
};

export const parseScenario = (text: string, fileName: string): Scenario => {
  let doc: unknown;
  try {
    doc = fileName.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const kind = fileName.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML';
    throw new SkywireError('SCENARIO_INVALID', `${fileName}: not valid ${kind}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new SkywireError('SCENARIO_INVALID', `${fileName}: expected a mapping with name, duration, nodes, topology (see scenarios/quickstart.yaml)`);
  }
  const r = scenarioSchema.safeParse(doc);
  if (!r.success) {
    const { path, message } = describeIssue(r.error.issues[0]!);
    throw new SkywireError('SCENARIO_INVALID', `${fileName}: ${path}: ${message}`);
  }
  const scenario = toScenario(r.data);
  const bad = checkRefs(scenario);
  if (bad) throw new SkywireError('SCENARIO_INVALID', `${fileName}: ${bad.path}: ${bad.message}`);
  return scenario;
};

const describeIssue = (issue: core.$ZodIssue): { path: string; message: string } => {
  const path = issue.path.map(String);
  const at = (p: string[]): string => p.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return { path: at([...path, key]), message: `unknown field "${key}": check its spelling and nesting` };
  }
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    return { path: at(path), message: `expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}` };
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return { path: at(path), message: `required field missing (expected ${issue.expected})` };
  }
  return { path: at(path), message: issue.message };
};
