// MAC (link-layer) address text: 'aa:bb:cc:dd:ee:ff'. (A line comment, not
// a module doc comment: with MAC_RE not emitted, the declarations would
// carry it as checkMac's.)

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Check a MAC address ('aa:bb:cc:dd:ee:ff'); TypeError naming `field`. */
export function checkMac(v: unknown, field: string): string {
  if (typeof v !== 'string' || !MAC_RE.test(v)) throw new TypeError(`${field}: not a MAC address: '${String(v)}'`);
  return v.toLowerCase();
}
