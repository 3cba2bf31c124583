/**
 * Traffic control: `tc qdisc`, `tc class`, `tc filter`. The {@link TcApi}
 * of a handle (`nl.tc.qdisc.add(...)`, `nl.tc.class.list(...)`, ...).
 * @module
 */
import { constant, type RawReply } from '../../netlink/native.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';
import { resolveIfindex, type LinkLookup, type LinkRef } from '../values/ifindex.js';
import { decodeClass, decodeFilter, decodeQdisc } from './decode.js';
import { validateClass, validateClassDel } from './klass.js';
import { validateFilter, validateFilterDel, withActions } from './filter.js';
import { validateQdisc, validateQdiscDel, type TcDraft } from './qdisc.js';
import { parseParent } from './units.js';
import type { ClassDel, ClassSpec, Filter, FilterDel, FilterSpec, Qdisc, QdiscDel, QdiscSpec, TcClass } from './types.js';

const CREATE_EXCL = (): number => constant('NLM_F_CREATE') | constant('NLM_F_EXCL');

/** What the three tc objects share: a socket, the link resolver, a list filtered by link. */
class TcBase {
  protected readonly sock: RtnlSocket;
  protected readonly link: LinkLookup;

  constructor(sock: RtnlSocket, link: LinkLookup) {
    this.sock = sock;
    this.link = link;
  }

  /** @internal One change request for the link `dev` (named links resolved first). */
  protected async send(op: string, type: number, flags: number, dev: LinkRef, d: TcDraft, opts: OperationOptions, request: unknown): Promise<void> {
    const ifindex = await resolveIfindex(this.link, op, 'dev', dev, opts);
    await this.sock.request(op, type, flags, { header: { ...d.header, tcmIfindex: ifindex }, attrs: d.attrs }, opts, request);
  }

  /** @internal A dump of one link's (or every link's) qdiscs, classes or filters under `parent`. */
  protected async dumpOf(op: string, type: number, reply: string, dev: LinkRef | undefined, parent: number, opts: DumpOptions): Promise<RawReply[]> {
    const ifindex = dev === undefined ? 0 : await resolveIfindex(this.link, op, 'dev', dev, opts);
    const replies = await this.sock.collect(op, type, { header: { tcmFamily: 0, tcmIfindex: ifindex, tcmHandle: 0, tcmParent: parent, tcmInfo: 0 }, attrs: {} }, opts);
    const want = constant(reply);
    return replies.filter((m) => m.type === want && (ifindex === 0 || m.header.tcmIfindex === ifindex));
  }
}

/** Queueing disciplines: `tc qdisc`. */
export class QdiscApi extends TcBase {
  /**
   * Add a qdisc; EEXIST if the slot has one (replace is the way out).
   *
   * Equivalent to: `tc qdisc add dev eth0 root tbf rate 10mbit burst 32kbit latency 50ms`,
   * `tc qdisc add dev eth0 root handle 1: htb default 10`, `tc qdisc add dev eth0 ingress`,
   * `tc qdisc add dev eth0 clsact`, `tc qdisc add dev eth0 parent 1:10 pfifo limit 100`
   */
  async add(q: QdiscSpec, opts: OperationOptions = {}): Promise<void> {
    const d = validateQdisc('tc.qdisc.add', q);
    await this.send('tc.qdisc.add', constant('RTM_NEWQDISC'), CREATE_EXCL(), q.dev, d, opts, q);
  }

  /**
   * Add a qdisc, or replace the one in its slot.
   *
   * Equivalent to: `tc qdisc replace dev eth0 root tbf rate 2mbit burst 8kb latency 100ms`
   */
  async replace(q: QdiscSpec, opts: OperationOptions = {}): Promise<void> {
    const d = validateQdisc('tc.qdisc.replace', q);
    await this.send('tc.qdisc.replace', constant('RTM_NEWQDISC'), constant('NLM_F_CREATE') | constant('NLM_F_REPLACE'), q.dev, d, opts, q);
  }

  /**
   * Delete a qdisc (with its classes and filters); ENOENT/EINVAL if there is none.
   *
   * Equivalent to: `tc qdisc del dev eth0 root`, `tc qdisc del dev eth0 ingress`
   */
  async del(q: QdiscDel, opts: OperationOptions = {}): Promise<void> {
    const d = validateQdiscDel('tc.qdisc.del', q);
    await this.send('tc.qdisc.del', constant('RTM_DELQDISC'), 0, q.dev, d, opts, q);
  }

  /**
   * The qdiscs of one link, or of every link.
   *
   * Equivalent to: `tc qdisc show [dev eth0]`
   */
  async list(filter: { dev?: LinkRef } = {}, opts: DumpOptions = {}): Promise<Qdisc[]> {
    return (await this.dumpOf('tc.qdisc.list', constant('RTM_GETQDISC'), 'RTM_NEWQDISC', filter.dev, 0, opts)).map(decodeQdisc);
  }
}

/** Classes of classful qdiscs (htb): `tc class`. */
export class ClassApi extends TcBase {
  /**
   * Add a class; EEXIST if the class id is taken.
   *
   * Equivalent to: `tc class add dev eth0 parent 1: classid 1:10 htb rate 8mbit ceil 10mbit burst 15k prio 1`
   */
  async add(c: ClassSpec, opts: OperationOptions = {}): Promise<void> {
    const d = validateClass('tc.class.add', c);
    await this.send('tc.class.add', constant('RTM_NEWTCLASS'), CREATE_EXCL(), c.dev, d, opts, c);
  }

  /**
   * Add a class, or change the one with this class id (tc sends NLM_F_CREATE alone).
   *
   * Equivalent to: `tc class replace dev eth0 parent 1: classid 1:10 htb rate 4mbit ceil 6mbit`
   */
  async replace(c: ClassSpec, opts: OperationOptions = {}): Promise<void> {
    const d = validateClass('tc.class.replace', c);
    await this.send('tc.class.replace', constant('RTM_NEWTCLASS'), constant('NLM_F_CREATE'), c.dev, d, opts, c);
  }

  /**
   * Delete a class.
   *
   * Equivalent to: `tc class del dev eth0 classid 1:10`
   */
  async del(c: ClassDel, opts: OperationOptions = {}): Promise<void> {
    const d = validateClassDel('tc.class.del', c);
    await this.send('tc.class.del', constant('RTM_DELTCLASS'), 0, c.dev, d, opts, c);
  }

  /**
   * The classes of a link's qdiscs.
   *
   * Equivalent to: `tc class show dev eth0`
   */
  async list(filter: { dev: LinkRef }, opts: DumpOptions = {}): Promise<TcClass[]> {
    if (filter?.dev === undefined) throw new TypeError('tc.class.list: dev: required (the kernel lists classes per link)');
    return (await this.dumpOf('tc.class.list', constant('RTM_GETTCLASS'), 'RTM_NEWTCLASS', filter.dev, 0, opts)).map(decodeClass);
  }
}

/** Classifiers (u32) with their actions (mirred): `tc filter`. */
export class FilterApi extends TcBase {
  /**
   * Add a filter.
   *
   * Equivalent to: `tc filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dst 198.18.1.0/24 flowid 1:10`,
   * `tc filter add dev eth0 ingress protocol all prio 1 u32 match u32 0 0 action mirred egress redirect dev eth1`
   */
  async add(f: FilterSpec, opts: OperationOptions = {}): Promise<void> {
    const op = 'tc.filter.add';
    const d = validateFilter(op, f);
    const ifindexes: number[] = [];
    for (const [i, dev] of d.actionDevs.entries()) ifindexes.push(await resolveIfindex(this.link, op, `actions[${i}].dev`, dev, opts));
    await this.send(op, constant('RTM_NEWTFILTER'), CREATE_EXCL(), f.dev, withActions(d, f.actions ?? [], ifindexes), opts, f);
  }

  /**
   * Delete the filters of one prio (and protocol) under a parent, or all of them.
   *
   * Equivalent to: `tc filter del dev eth0 parent 1: protocol ip prio 1`, `tc filter del dev eth0 ingress`
   */
  async del(f: FilterDel, opts: OperationOptions = {}): Promise<void> {
    const d = validateFilterDel('tc.filter.del', f);
    await this.send('tc.filter.del', constant('RTM_DELTFILTER'), 0, f.dev, d, opts, f);
  }

  /**
   * The filters under one parent of a link ('root' by default; 'ingress' for
   * the ingress/clsact hooks).
   *
   * Equivalent to: `tc filter show dev eth0 [parent 1: | ingress | egress]`
   */
  async list(filter: { dev: LinkRef; parent?: string | number }, opts: DumpOptions = {}): Promise<Filter[]> {
    const op = 'tc.filter.list';
    if (filter?.dev === undefined) throw new TypeError(`${op}: dev: required (the kernel lists filters per link)`);
    const parent = filter.parent === undefined ? constant('TC_H_ROOT') : parseParent(filter.parent, `${op}: parent`, true);
    return (await this.dumpOf(op, constant('RTM_GETTFILTER'), 'RTM_NEWTFILTER', filter.dev, parent, opts)).map(decodeFilter);
  }
}

/** The tc objects of one rtnetlink handle: `nl.tc.qdisc`, `nl.tc.class`, `nl.tc.filter`. */
export class TcApi {
  /** Queueing disciplines: `tc qdisc`. */
  readonly qdisc: QdiscApi;
  /** Classes: `tc class`. */
  readonly class: ClassApi;
  /** Filters: `tc filter`. */
  readonly filter: FilterApi;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkLookup) {
    this.qdisc = new QdiscApi(sock, link);
    this.class = new ClassApi(sock, link);
    this.filter = new FilterApi(sock, link);
  }
}
