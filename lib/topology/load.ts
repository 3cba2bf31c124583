/**
 * Reading a declaration from a YAML or JSON file (or text). The result is
 * checked by {@link topology}, like a declaration written in code.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { TopologySpec } from './types.js';

/** The formats a declaration file can be in. */
export type TopologyFormat = 'yaml' | 'json';

/**
 * Parse declaration text. YAML is YAML 1.2 (the `yaml` package): `yes` is
 * a string, a MAC address stays text. Syntax errors name the line and column.
 */
export async function parseTopology(text: string, format: TopologyFormat = 'yaml', source = 'declaration'): Promise<TopologySpec> {
  if (typeof text !== 'string') throw new TypeError(`parseTopology: text: must be a string`);
  let value: unknown;
  if (format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new SyntaxError(`${source}: not valid JSON: ${(e as Error).message}`);
    }
  } else if (format === 'yaml') {
    // Loaded on demand: programs that declare topologies in code never need it.
    const { parseDocument } = await import('yaml');
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    const err = doc.errors[0];
    if (err !== undefined) throw new SyntaxError(`${source}: not valid YAML: ${err.message}`);
    value = doc.toJS();
  } else {
    throw new RangeError(`parseTopology: format: must be 'yaml' or 'json', got '${String(format)}'`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${source}: a topology declaration must be a mapping (name, namespaces, ...)`);
  return value as TopologySpec;
}

/**
 * Read a declaration file: `.json` as JSON, anything else as YAML (of which
 * JSON is a subset).
 */
export async function loadTopology(file: string): Promise<TopologySpec> {
  const text = await readFile(file, 'utf8');
  return parseTopology(text, extname(file).toLowerCase() === '.json' ? 'json' : 'yaml', file);
}
