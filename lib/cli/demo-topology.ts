/**
 * The topology of `netloom demo`: scenario S2 of SCENARIOS.md, a bridge as
 * a virtual switch for two namespaces. The same declaration as
 * examples/topologies/s2-bridge.yaml (a test keeps them equal).
 * @module
 */
import type { TopologySpec } from '../topology/types.js';

/** Scenario S2, as `netloom demo` builds it (with a prefix unique to the run on every name). */
export const DEMO_TOPOLOGY: TopologySpec = {
  name: 's2-bridge',
  description: 'S2: a bridge as a virtual switch for two namespaces',
  namespaces: {
    switch: {
      links: [{ kind: 'bridge', name: 'br0', addresses: ['198.18.1.10/24'] }],
    },
    ns1: {
      links: [{ kind: 'veth', name: 'veth1_ns', addresses: ['198.18.1.11/24'], peer: { name: 'veth1_br', netns: 'switch', master: 'br0' } }],
      routes: [{ dst: 'default', via: '198.18.1.10' }],
    },
    ns2: {
      links: [{ kind: 'veth', name: 'veth2_ns', addresses: ['198.18.1.12/24'], peer: { name: 'veth2_br', netns: 'switch', master: 'br0' } }],
      routes: [{ dst: 'default', via: '198.18.1.10' }],
    },
  },
};

/** The pings that prove the demo works: from ns1 to ns2 and to the bridge. */
export const DEMO_PINGS: ReadonlyArray<{ from: string; to: string; what: string }> = [
  { from: 'ns1', to: '198.18.1.12', what: 'ns2' },
  { from: 'ns1', to: '198.18.1.10', what: 'the bridge' },
];
