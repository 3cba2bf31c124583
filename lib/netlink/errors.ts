/**
 * Errors: one class for everything the kernel refuses, with stable codes.
 * @module
 */
import type { NativeError } from './native.js';

/**
 * A kernel failure: an NLMSG_ERROR answer to a request, or a failed syscall
 * on a netlink socket, /dev/net/tun or a namespace file.
 *
 * Match on `code` the way you would with Node's fs errors:
 * ```ts
 * try { await nl.link.add({ kind: 'bridge', name: 'br0' }); }
 * catch (e) { if (e instanceof NetlinkError && e.code === 'EEXIST') ... }
 * ```
 */
export class NetlinkError extends Error {
  /** The errno name: 'EEXIST', 'ENODEV', 'EOPNOTSUPP', ... */
  readonly code: string;
  /** The positive errno value. */
  readonly errno: number;
  /** What netloom was doing, in iproute2 terms: 'link.add', 'netns.add', ... */
  readonly operation: string;
  /** The syscall that failed, when the failure was a syscall rather than a kernel NACK. */
  readonly syscall: string | undefined;
  /** The kernel's extended ACK message ("Unknown device type"), when it sent one. */
  readonly extack: string | undefined;
  /** Offset in the request of the attribute the kernel blamed, when it said. */
  readonly extackOffset: number | undefined;
  /** What was asked, for the message and for debugging (the caller's description). */
  readonly request: unknown;

  /** @internal Build from the native layer's error. Use {@link NetlinkError.from}. */
  constructor(
    operation: string,
    code: string,
    errno: number,
    opts: { extack?: string; extackOffset?: number; syscall?: string; request?: unknown; message?: string } = {},
  ) {
    const why = opts.message ?? (opts.extack ? `${opts.extack}` : describeErrno(code));
    super(`${operation}: ${why} (${code})`);
    this.name = 'NetlinkError';
    this.code = code;
    this.errno = errno;
    this.operation = operation;
    this.syscall = opts.syscall;
    this.extack = opts.extack;
    this.extackOffset = opts.extackOffset;
    this.request = opts.request;
  }

  /** Wrap an error thrown by the native layer; other errors pass through unchanged. */
  static from(err: unknown, operation: string, request?: unknown): unknown {
    if (err instanceof NetlinkError) return err;
    if (isNativeError(err)) {
      const opts: ConstructorParameters<typeof NetlinkError>[3] = { request };
      if (err.extack !== undefined) opts.extack = err.extack;
      if (err.extackOffset !== undefined) opts.extackOffset = err.extackOffset;
      if (err.syscall !== undefined) opts.syscall = err.syscall;
      if (err.extack === undefined && err.syscall !== undefined) opts.message = `${err.syscall}: ${describeErrno(err.code)}`;
      const e = new NetlinkError(operation, err.code, err.errno, opts);
      return e;
    }
    return err;
  }
}

function isNativeError(err: unknown): err is NativeError {
  return err instanceof Error && typeof (err as NativeError).code === 'string' && typeof (err as NativeError).errno === 'number';
}

// Short human phrases for the codes people meet most; anything else shows the code alone.
const PHRASES: Record<string, string> = {
  EEXIST: 'already exists',
  ENODEV: 'no such device',
  ENOENT: 'no such object',
  ESRCH: 'not found', // what a route delete that matches nothing gets
  EINVAL: 'invalid argument',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EBUSY: 'device or resource busy',
  EOPNOTSUPP: 'operation not supported',
  ENOTSUP: 'operation not supported',
  EADDRNOTAVAIL: 'address not available',
  ENETUNREACH: 'network unreachable',
  ERANGE: 'value out of range',
  ECANCELED: 'canceled',
  EMSGSIZE: 'message too long',
  ENOBUFS: 'receive buffer overrun',
  EINTR: 'interrupted (the dump changed under us)',
  EBADFD: 'file descriptor in bad state (a tun device that was deleted, or a detached queue)',
};

function describeErrno(code: string): string {
  return PHRASES[code] ?? code;
}

/** Thrown when an operation is aborted through its AbortSignal. Same shape as Node's AbortError. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  /** @internal */
  constructor(operation: string, cause?: unknown) {
    super(`${operation}: the operation was aborted`, cause === undefined ? undefined : { cause });
    this.name = 'AbortError';
  }
}
