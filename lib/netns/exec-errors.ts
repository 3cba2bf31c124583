/**
 * The error of a namespace set-up that failed before the program ran: which
 * step, which syscall, on which path, as netloom-nsexec reported it.
 * @module
 */
import { constants } from 'node:os';
import { NetlinkError } from '../netlink/errors.js';

/**
 * The steps `exec`/`spawn` take before the program starts, in order, as
 * `ip netns exec` takes them: join the network namespace, unshare a mount
 * namespace, make / a recursive slave, mount a fresh /sys, bind the entries
 * of /etc/netns/NAME over /etc.
 */
export type NetnsExecStep = 'setns' | 'unshare' | 'make-rslave' | 'remount-sys' | 'bind-etc';

const STEPS: readonly NetnsExecStep[] = ['setns', 'unshare', 'make-rslave', 'remount-sys', 'bind-etc'];

const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/**
 * Preparing the namespace for the program failed, so the program was not
 * started. `code`/`errno` are the failing syscall's; `path` (and `target`,
 * for a mount) name what it was called on:
 * ```ts
 * // /etc/netns/lab/hosts is a directory, /etc/hosts a file:
 * // netns.exec: bind-etc: mount /etc/netns/lab/hosts on /etc/hosts: Not a directory;
 * //   the program was not started (ENOTDIR)
 * ```
 */
export class NetnsExecError extends NetlinkError {
  /** The step that failed. */
  readonly step: NetnsExecStep;
  /** The file the syscall was called on (for a bind mount, its source), if any. */
  readonly path: string | undefined;
  /** The mount point, for the mount steps. */
  readonly target: string | undefined;
  /** Always false: the program did not run. */
  readonly started = false;

  /** @internal Built from netloom-nsexec's report. */
  constructor(operation: string, failure: { step: NetnsExecStep; syscall: string; errno: number; path?: string | undefined; target?: string | undefined; reason?: string | undefined }) {
    const { step, syscall, errno, path, target } = failure;
    const code = ERRNO_NAMES.get(errno) ?? `E${errno}`;
    const where = `${path === undefined ? '' : ` ${path}`}${target === undefined ? '' : ` on ${target}`}`;
    const reason = failure.reason === undefined ? '' : `: ${failure.reason}`;
    super(operation, code, errno, { syscall, message: `${step}: ${syscall}${where}${reason}; the program was not started` });
    this.name = 'NetnsExecError';
    this.step = step;
    this.path = path;
    this.target = target;
  }
}

/**
 * netloom-nsexec's report (NUL-terminated step, syscall, errno, path,
 * target, strerror text) as the error it describes; undefined for an empty
 * report (the set-up succeeded and the program started).
 */
export function parseSetupReport(report: Buffer, operation: string): NetlinkError | undefined {
  if (report.length === 0) return undefined;
  const [step, syscall, errno, path, target, reason] = report.toString('utf8').split('\0');
  const n = Number(errno);
  if (!STEPS.includes(step as NetnsExecStep) || syscall === undefined || !Number.isInteger(n) || n <= 0) {
    return new NetlinkError(operation, 'EPROTO', constants.errno.EPROTO, { message: `unreadable set-up report from netloom-nsexec: ${JSON.stringify(report.toString('latin1'))}` });
  }
  return new NetnsExecError(operation, { step: step as NetnsExecStep, syscall, errno: n, path: path || undefined, target: target || undefined, reason: reason || undefined });
}
