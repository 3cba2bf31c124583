/**
 * A refused transaction as one NetlinkError that says which message failed,
 * for which object, and that nothing was applied.
 * @module
 */
import { NetlinkError } from '../netlink/errors.js';
import type { NativeBatchResult, NativeError } from '../netlink/native.js';
import type { NftBatchFailure } from './types.js';

/** What a transaction member was, for errors. */
export interface BatchItem {
  operation: string;
  object: string;
  request: unknown;
}

/**
 * The kernel refused a transaction: nothing of it was applied.
 *
 * `code`, `errno` and `extack` are those of the first failure; `index` and
 * `object` say which message it was (undefined when the kernel refused the
 * batch as a whole: ERESTART when the generation id no longer matched, or a
 * check at commit); `failures` lists every message the kernel refused.
 */
export class NftBatchError extends NetlinkError {
  /** The first failing message's place in the transaction, from 0. */
  readonly index: number | undefined;
  /** The object that message was for (`chain ip nat postrouting`). */
  readonly object: string | undefined;
  /** Every message the kernel refused. */
  readonly failures: NftBatchFailure[];
  /** Always false: nf_tables applies a transaction whole or not at all. */
  readonly applied = false;

  /** @internal Built by the transaction from the kernel's answers. */
  constructor(operation: string, items: readonly BatchItem[], result: NativeBatchResult, genid?: number) {
    const failures: NftBatchFailure[] = result.failures.map(({ index, error }) => {
      const item = items[index];
      const f: NftBatchFailure = { index, operation: item?.operation ?? '?', object: item?.object ?? '?', code: error.code, errno: error.errno, request: item?.request };
      if (error.extack !== undefined) f.extack = error.extack;
      return f;
    });
    const first: NativeError | undefined = result.begin ?? result.failures[0]?.error;
    const code = first?.code ?? 'EPROTO';
    const errno = first?.errno ?? 71;
    const why = first?.message ?? 'refused';
    let message: string;
    if (result.begin !== null) {
      message =
        code === 'ERESTART' && genid !== undefined
          ? `the ruleset changed since generation ${genid}; nothing was applied`
          : `the kernel refused the transaction of ${items.length} message${items.length === 1 ? '' : 's'}: ${why}; nothing was applied`;
    } else {
      const f = failures[0] as NftBatchFailure;
      const more = failures.length > 1 ? ` (and ${failures.length - 1} more: ${failures.slice(1).map((x) => `#${x.index} ${x.code}`).join(', ')})` : '';
      message = `message ${f.index} of ${items.length} (${f.operation} ${f.object}): ${why}${more}; nothing was applied`;
    }
    const opts: ConstructorParameters<typeof NetlinkError>[3] = { message, request: failures[0]?.request ?? items.map((i) => i.request) };
    if (first?.extack !== undefined) opts.extack = first.extack;
    if (first?.extackOffset !== undefined) opts.extackOffset = first.extackOffset;
    super(operation, code, errno, opts);
    this.name = 'NftBatchError';
    this.index = result.begin === null ? failures[0]?.index : undefined;
    this.object = this.index === undefined ? undefined : failures[0]?.object;
    this.failures = failures;
  }
}
