/**
 * Table-driven kind options: most kind options map one friendly option to
 * one attribute, and a table of {@link Field}s validates, encodes and
 * decodes them.
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { ConstantLookup, ValidateContext } from './kind.js';
import { checkBool, checkInt, checkOneOf, checkSeconds, join } from './check.js';
import { dBool, dEnum, dNum, kOf, u8, wordsOf } from './attr-values.js';

/** One friendly option mapped to one attribute of a kind's data. */
export type Field =
  /** A boolean sent as a u8 (or u32) 0/1 attribute. */
  | { readonly option: string; readonly attr: string; readonly type: 'bool' }
  /** A boolean sent as an NLA_FLAG: present when true, absent when false. */
  | { readonly option: string; readonly attr: string; readonly type: 'flag' }
  /** An integer in min..max, sent as is. */
  | { readonly option: string; readonly attr: string; readonly type: 'int'; readonly min: number; readonly max: number }
  /** Seconds (fractional allowed) sent as clock_t centiseconds (USER_HZ = 100). */
  | { readonly option: string; readonly attr: string; readonly type: 'seconds'; readonly min: number; readonly max: number }
  /** A word sent as the value of the kernel constant it names. */
  | { readonly option: string; readonly attr: string; readonly type: 'enum'; readonly pairs: ReadonlyArray<readonly [string, string]> };

/** A boolean option sent as a u8/u32 0/1 attribute. */
export function boolField(option: string, attr: string = option): Field {
  return { option, attr, type: 'bool' };
}
/** A boolean option sent as an NLA_FLAG attribute (only `true` is sent). */
export function flagField(option: string, attr: string = option): Field {
  return { option, attr, type: 'flag' };
}
/** An integer option in min..max. */
export function intField(option: string, attr: string, min: number, max: number): Field {
  return { option, attr, type: 'int', min, max };
}
/** A duration option in seconds, sent as clock_t centiseconds. */
export function secondsField(option: string, attr: string, min: number, max: number): Field {
  return { option, attr, type: 'seconds', min, max };
}
/** A word option sent as a kernel constant. */
export function enumField(option: string, attr: string, pairs: ReadonlyArray<readonly [string, string]>): Field {
  return { option, attr, type: 'enum', pairs };
}

/** Validate the set fields of `spec` that `fields` describe. */
export function validateFields(spec: Readonly<Record<string, unknown>>, fields: readonly Field[], ctx: ValidateContext, path: string): void {
  for (const f of fields) {
    const v = spec[f.option];
    if (v === undefined) continue;
    const p = join(path, f.option);
    switch (f.type) {
      case 'bool':
      case 'flag':
        checkBool(ctx, p, v);
        break;
      case 'int':
        checkInt(ctx, p, v, f.min, f.max);
        break;
      case 'seconds':
        checkSeconds(ctx, p, v, f.min, f.max);
        break;
      case 'enum':
        checkOneOf(ctx, p, v, wordsOf(f.pairs));
        break;
    }
  }
}

/** Encode the set fields of a validated `spec` that `fields` describe into `out`. */
export function encodeFields(spec: Readonly<Record<string, unknown>>, fields: readonly Field[], k: ConstantLookup, out: RawAttrs): void {
  for (const f of fields) {
    const v = spec[f.option];
    if (v === undefined) continue;
    switch (f.type) {
      case 'bool':
        out[f.attr] = u8(v as boolean);
        break;
      case 'flag':
        if (v === true) out[f.attr] = true;
        break;
      case 'int':
        out[f.attr] = v as number;
        break;
      case 'seconds':
        out[f.attr] = Math.round((v as number) * 100);
        break;
      case 'enum':
        out[f.attr] = kOf(k, f.pairs, v as string);
        break;
    }
  }
}

/** Decode the attributes `fields` describe into friendly options (absent attributes stay absent). */
export function decodeFields(data: RawAttrs, fields: readonly Field[], k: ConstantLookup): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = data[f.attr];
    if (f.type === 'flag') {
      out[f.option] = v !== undefined && v !== false && v !== 0;
      continue;
    }
    if (v === undefined) continue;
    switch (f.type) {
      case 'bool':
        out[f.option] = dBool(v);
        break;
      case 'int':
        out[f.option] = dNum(v);
        break;
      case 'seconds': {
        const n = dNum(v);
        if (n !== undefined) out[f.option] = n / 100;
        break;
      }
      case 'enum':
        out[f.option] = dEnum(k, f.pairs, v);
        break;
    }
  }
  return out;
}

/** The option names of a field table. */
export function optionsOf(fields: readonly Field[]): string[] {
  return fields.map((f) => f.option);
}
