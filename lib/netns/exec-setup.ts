/**
 * What `exec`/`spawn` prepare before the program starts, as `ip netns exec`
 * does: the options, the arguments they become for netloom-nsexec, and the
 * report it sends back when a step fails.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { parseSetupReport } from './exec-errors.js';

/** Where `ip netns exec` finds a namespace's own files for /etc. */
export const NETNS_ETC_DIR = '/etc/netns';

/**
 * How the program's mounts are prepared. Either step gives the program a
 * mount namespace of its own with / a recursive slave, so nothing it (or
 * netloom) mounts there reaches the host; with both off it shares the
 * caller's mounts, like `nsenter --net`.
 */
export interface NetnsMountOptions {
  /**
   * Mount a fresh sysfs on /sys, so /sys/class/net lists this namespace's
   * links rather than the host's. Default true.
   *
   * Equivalent to: what `ip netns exec` always does (`umount -l /sys; mount -t sysfs`).
   */
  remountSys?: boolean;
  /**
   * Bind mount each entry of /etc/netns/NAME over /etc/ENTRY
   * (/etc/netns/NAME/resolv.conf over /etc/resolv.conf, .../hosts over
   * /etc/hosts), skipping entries /etc does not have. Default true for a
   * named namespace (NAME is its name) and false for others; a string is
   * the NAME to use, for an anonymous namespace or another directory. No
   * /etc/netns/NAME directory means nothing to bind.
   *
   * Equivalent to: what `ip netns exec NAME` does for /etc/netns/NAME.
   */
  etcNetns?: boolean | string;
}

/** The report fd's place in the helper's stdio (0-2 the program's, 3 the namespace). */
const REPORT_FD = 4;
// No report is longer than two paths and a few words; anything beyond is not one.
const REPORT_LIMIT = 16 * 1024;

// The directory name under /etc/netns to bind, or undefined for none.
function etcName(nsName: string | undefined, etcNetns: unknown, operation: string): string | undefined {
  if (etcNetns === undefined) return nsName;
  if (etcNetns === false) return undefined;
  if (etcNetns === true) {
    if (nsName === undefined) throw new TypeError(`${operation}: etcNetns: the namespace has no name; pass the directory name under ${NETNS_ETC_DIR} as a string`);
    return nsName;
  }
  if (typeof etcNetns !== 'string') throw new TypeError(`${operation}: etcNetns: must be a boolean or a string, got ${typeof etcNetns}`);
  if (etcNetns === '' || etcNetns === '.' || etcNetns === '..' || etcNetns.includes('/') || etcNetns.includes('\0'))
    throw new TypeError(`${operation}: etcNetns: not a directory name under ${NETNS_ETC_DIR}: '${etcNetns}'`);
  if (Buffer.byteLength(etcNetns) >= 255) throw new RangeError(`${operation}: etcNetns: longer than 254 bytes`);
  return etcNetns;
}

/**
 * netloom-nsexec's arguments before the namespace fd and the program:
 * the report fd and the mount steps `opts` ask for. Bad options throw
 * here, before anything starts.
 */
export function setupArgs(nsName: string | undefined, opts: NetnsMountOptions, operation: string): string[] {
  const remountSys: unknown = opts.remountSys ?? true;
  if (typeof remountSys !== 'boolean') throw new TypeError(`${operation}: remountSys: must be a boolean, got ${typeof remountSys}`);
  const etc = etcName(nsName, opts.etcNetns, operation);
  const args = ['--report', String(REPORT_FD)];
  if (remountSys) args.push('--sys');
  if (etc !== undefined) args.push('--etc', etc);
  return [...args, '--'];
}

/** The stdio entry the helper's report arrives on. */
export const reportStdio = 'pipe';

/**
 * Read the helper's report and, when a set-up step failed, emit the
 * NetnsExecError as the child's 'error' (as Node does for a program that
 * cannot be spawned); it comes before 'close'.
 */
export function watchSetup(child: ChildProcess, operation: string): void {
  const report = child.stdio[REPORT_FD] as Readable | null | undefined;
  if (report === null || report === undefined) return;
  const chunks: Buffer[] = [];
  let length = 0;
  report.on('data', (b: Buffer) => {
    length += b.length;
    if (length <= REPORT_LIMIT) chunks.push(b);
  });
  report.on('error', () => {
    /* the pipe closes with the child; its end is what matters */
  });
  report.on('end', () => {
    const error = parseSetupReport(Buffer.concat(chunks), operation);
    if (error !== undefined) child.emit('error', error);
  });
}
