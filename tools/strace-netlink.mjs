// The netlink messages a process sent, read back from an strace log taken
// with `-e trace=sendmsg -e write=all -xx` (the capture tools' shared part).

/** The messages of every sendmsg in an strace log (`-e write=all` hex dumps), in order. */
export function sentMessages(log) {
  const msgs = [];
  let cur = null;
  for (const line of log.split('\n')) {
    const dump = /^ \| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2})+)/.exec(line);
    if (dump) {
      cur ??= [];
      cur.push(...dump[1].trim().split(/\s+/).map((h) => parseInt(h, 16)));
      continue;
    }
    if (cur) msgs.push(...split(Buffer.from(cur)));
    cur = null;
  }
  if (cur) msgs.push(...split(Buffer.from(cur)));
  return msgs;
}

/** One datagram's netlink messages. */
export function split(buf) {
  const out = [];
  for (let off = 0; off + 16 <= buf.length; ) {
    const len = buf.readUInt32LE(off);
    if (len < 16 || off + len > buf.length) break;
    out.push(buf.subarray(off, off + len));
    off += (len + 3) & ~3;
  }
  return out;
}
