/**
 * netloom-ipam's leases on disk, in host-local's format, so either plugin
 * can take over the other's directory: `DATADIR/NETWORK/ADDRESS` holding
 * `CONTAINERID\r\nIFNAME`, `last_reserved_ip.N` per range set, and the whole
 * directory flock(2)ed while it is read and changed (as host-local does), so
 * concurrent ADDs never hand out one address twice.
 * @module
 */
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { native } from '../netlink/native.js';

const LINE_BREAK = '\r\n';

/** One network's lease directory, locked for the lifetime of a {@link withStore} callback. */
export class LeaseStore {
  readonly dir: string;

  /** @internal Use {@link withStore}. */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** Take `address` for the attachment; false if it is taken already. */
  reserve(address: string, id: string, ifname: string, rangeSet: number): boolean {
    try {
      writeFileSync(join(this.dir, address), `${id}${LINE_BREAK}${ifname}`, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    writeFileSync(join(this.dir, `last_reserved_ip.${rangeSet}`), address);
    return true;
  }

  /** Whether `address` is leased. */
  taken(address: string): boolean {
    try {
      readFileSync(join(this.dir, address));
      return true;
    } catch {
      return false;
    }
  }

  /** The last address handed out from range set `n`. */
  lastReserved(n: number): string | undefined {
    try {
      return readFileSync(join(this.dir, `last_reserved_ip.${n}`), 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  /** Every lease: address, container id and ifname (host-local's older files have no ifname). */
  leases(): Array<{ address: string; id: string; ifname: string | undefined }> {
    return readdirSync(this.dir)
      .filter((f) => f !== 'lock' && !f.startsWith('last_reserved_ip.'))
      .map((f) => {
        const [id, ifname] = readFileSync(join(this.dir, f), 'utf8').split(LINE_BREAK);
        return { address: f, id: (id ?? '').trim(), ifname: ifname?.trim() };
      });
  }

  /** Release the leases of an attachment; returns their addresses. */
  release(id: string, ifname: string): string[] {
    const mine = this.leases().filter((l) => l.id === id && (l.ifname === undefined || l.ifname === ifname));
    for (const l of mine) rmSync(join(this.dir, l.address), { force: true });
    return mine.map((l) => l.address);
  }
}

/** Run `fn` with the lease directory of `network` under `dataDir` locked (made if missing). */
export function withStore<T>(dataDir: string, network: string, fn: (s: LeaseStore) => T): T {
  const dir = join(dataDir, network);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const fd = openSync(dir, 'r');
  try {
    native.flock(fd, true, true);
    return fn(new LeaseStore(dir));
  } finally {
    closeSync(fd); // closing releases the lock
  }
}
