/**
 * The declarative topology builder: declare, plan, apply, destroy, draw.
 * @module
 */
export { topology, destroyTopology, Topology, type TopologyOptions, type ApplyOptions, type ApplyResult } from './topology.js';
export type {
  TopologySpec,
  TopologyNamespace,
  TopologyLink,
  TopologyLinkCommon,
  TopologyVeth,
  TopologyVethPeer,
  TopologyAddress,
  TopologyRoute,
  TopologyNeighbour,
  TopologyFdbEntry,
  TopologyTunTap,
  TopologyNat,
  TopologyFirewall,
  TopologyFirewallChain,
  TopologyFirewallRule,
  TopologyQdisc,
  TopologyTcClass,
  TopologyTcFilter,
  TopologyNexthop,
} from './types.js';
export { formatPlan, STAGES, type Plan, type PlanStep, type PlanStage, type PlanAction, type PlanObject } from './plan.js';
export type { TopologyProgress, StageTiming } from './apply.js';
export type { DestroyResult } from './destroy.js';
export { TopologyError, type TopologyErrorOptions } from './errors.js';
export { parseTopology, loadTopology, type TopologyFormat } from './load.js';
export { toMermaid, toDot, toSvg, renderGraph, graphOfScan, type TopologyGraph, type GraphNamespace, type GraphNode, type GraphEdge, type GraphFormat, type SvgOptions } from './graph.js';
export { scanNamespaces, type Scan, type ScanOptions, type ScannedNamespace, type ScannedPair } from './scan.js';
export { ROUTE_PROTOCOL, linkMark, netnsMark, parseMark, defaultGroup, type ParsedMark } from './marks.js';
