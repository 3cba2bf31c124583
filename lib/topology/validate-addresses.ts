/**
 * Checking the addresses declared on a link: the same checks as `nl.addr.add`, and no address twice.
 * @module
 */
import { validateAddr } from '../rtnl/addr/validate.js';
import { parseCidr } from '../rtnl/values/cidr.js';
import { type AddrAddOptions } from '../rtnl/addr/types.js';
import { show } from '../rtnl/link/kinds/check.js';
import { OP, array, at, isObject, rangeError, typeError } from './check.js';
import { type ModelAddress, canonicalIp } from './model.js';

/** The addresses of link `dev`, declared at `path`. */
export function checkAddresses(path: string, v: unknown, dev: string): ModelAddress[] {
  const list = array(path, v);
  const out: ModelAddress[] = [];
  const seen = new Map<string, string>();
  list.forEach((a, i) => {
    const p = `${path}[${i}]`;
    let cidr: string;
    let options: AddrAddOptions;
    if (typeof a === 'string') {
      parseCidr(a, `${OP}: ${p}`);
      cidr = a;
      options = {};
    } else if (isObject(a)) {
      if (a.cidr === undefined) typeError(`${p}.cidr`, 'is required');
      if (typeof a.cidr !== 'string') typeError(`${p}.cidr`, `must be a string like '198.18.0.1/24', got ${show(a.cidr)}`);
      cidr = a.cidr;
      const { cidr: _c, ...rest } = a;
      options = rest as AddrAddOptions;
    } else {
      return typeError(p, `must be 'ADDRESS/PREFIX' or { cidr, ...options }, got ${show(a)}`);
    }
    at(p, () => validateAddr(OP, cidr, options, dev));
    const c = parseCidr(cidr, `${OP}: ${p}`);
    const key = `${canonicalIp(c.address)}/${c.prefixlen}`;
    const dup = seen.get(key);
    if (dup !== undefined) rangeError(p, `${key} is already declared on this link (${dup})`);
    seen.set(key, p);
    out.push({ cidr, key, options, path: p });
  });
  return out;
}
