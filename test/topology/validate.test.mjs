// Declarations checked before anything is touched (a table of bad ones with
// their exact messages), YAML/JSON loading, and pictures (Mermaid, DOT, SVG
// through Graphviz). Nothing here touches the kernel.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadTopology, parseTopology, renderGraph, toSvg, topology } from '../../dist/index.js';
import { DEMO_TOPOLOGY } from '../../dist/cli/demo-topology.js';
import { checkSvg } from '../helpers/svg.mjs';

const file = (name) => fileURLToPath(new URL(`../../examples/topologies/${name}`, import.meta.url));

const good = () => ({
  name: 'v',
  namespaces: {
    sw: { links: [{ kind: 'bridge', name: 'br0', addresses: ['198.18.1.10/24'] }], tuntap: [{ name: 'tap0', mode: 'tap', master: 'br0' }] },
    ns1: {
      links: [
        { kind: 'veth', name: 'eth0', addresses: ['198.18.1.11/24'], peer: { name: 'veth1', netns: 'sw', master: 'br0' } },
        { kind: 'macvlan', name: 'mv0', parent: 'eth0', mode: 'bridge' },
        { kind: 'vxlan', name: 'vx0', id: 5, dev: 'eth0' },
      ],
      tuntap: [{ name: 'tun0', mode: 'tun', addresses: ['198.18.7.1/24'] }],
      routes: [{ dst: 'default', via: '198.18.1.10' }],
      neighbours: [{ dst: '198.18.1.99', lladdr: '02:00:00:00:00:99', dev: 'eth0' }],
      fdb: [{ lladdr: '02:00:00:00:00:98', dev: 'vx0', dst: '198.18.1.98' }],
      sysctls: { 'net.ipv4.ip_forward': 1 },
    },
  },
});

// [what, edit of the good declaration (null: no declaration at all), error class, exact message]
const CASES = [
  ["nothing", () => null, TypeError, "topology: declaration: must be an object, got null"],
  ["no name", (d) => { delete d.name; }, TypeError, "topology: name: is required"],
  ["bad name", (d) => { d.name = 'a b'; }, RangeError, "topology: name: must be 1..64 letters, digits, '.', '_' or '-' starting with a letter or digit, got 'a b'"],
  ["unknown top", (d) => { d.nets = {}; }, TypeError, "topology: nets: unknown topology field (known: name, description, group, namespaces)"],
  ["no namespaces", (d) => { d.namespaces = {}; }, RangeError, "topology: namespaces: must declare at least one namespace"],
  ["bad key", (d) => { d.namespaces['a/b'] = {}; }, RangeError, "topology: namespaces.a/b: namespace keys are 1..64 letters, digits, '.', '_' or '-' starting with a letter or digit"],
  ["two kinds", (d) => { d.namespaces.sw.anonymous = true; d.namespaces.sw.current = true; }, TypeError, "topology: namespaces.sw: give at most one of name, anonymous, current and external, got anonymous and current"],
  ["two current", (d) => { d.namespaces.sw.current = true; d.namespaces.ns1.current = true; }, RangeError, "topology: namespaces.ns1.current: namespaces.sw is already the current namespace"],
  ["unknown ns field", (d) => { d.namespaces.sw.link = []; }, TypeError, "topology: namespaces.sw.link: unknown namespace field (known: name, anonymous, current, external, lo, sysctls, links, nexthops, routes, neighbours, fdb, tuntap, nat, firewall)"],
  ["nat field", (d) => { d.namespaces.sw.nat = { masq: [] }; }, TypeError, "topology: namespaces.sw.nat.masq: unknown nat field (known: masquerade, publish, oneToOne)"],
  ["published port", (d) => { d.namespaces.sw.nat = { publish: [{ proto: 'tcp', port: 70000, to: '198.18.1.2:80' }] }; }, TypeError, "topology: namespaces.sw.nat.publish[0]: match.dport: must be an integer 0..65535, got 70000"],
  ["published to", (d) => { d.namespaces.sw.nat = { publish: [{ proto: 'tcp', port: 80, to: 'nowhere:80' }] }; }, TypeError, 'topology: namespaces.sw.nat.publish[0]: to: "nowhere:80" is not an address or address:port'],
  ["masquerade host bits", (d) => { d.namespaces.sw.nat = { masquerade: [{ from: '198.18.1.1/24' }] }; }, TypeError, "topology: namespaces.sw.nat.masquerade[0]: match.saddr: 198.18.1.1/24 has host bits set: the prefix is 198.18.1.0/24"],
  ["1:1 public", (d) => { d.namespaces.sw.nat = { oneToOne: [{ private: '198.18.1.2' }] }; }, TypeError, "topology: namespaces.sw.nat.oneToOne[0].public: must be an address, got undefined"],
  ["firewall hook", (d) => { d.namespaces.sw.firewall = { prerouting: {} }; }, TypeError, "topology: namespaces.sw.firewall.prerouting: unknown firewall field (known: input, forward, output)"],
  ["firewall policy", (d) => { d.namespaces.sw.firewall = { forward: { policy: 'reject' } }; }, TypeError, "topology: namespaces.sw.firewall.forward.policy: must be accept or drop, got 'reject'"],
  ["firewall ifname", (d) => { d.namespaces.sw.firewall = { forward: { rules: [{ allow: { iifname: 'a-very-long-name' } }] } }; }, TypeError, 'topology: namespaces.sw.firewall.forward.rules[0]: match.iifname: interface names are at most 15 bytes, "a-very-long-name" has 16'],
  ["firewall jump", (d) => { d.namespaces.sw.firewall = { input: { rules: [{ verdict: { jump: 'x' } }] } }; }, TypeError, "topology: namespaces.sw.firewall.input.rules[0].verdict: a topology firewall has no chains of its own to jump to"],
  ["mtu", (d) => { d.namespaces.ns1.links[2].mtu = 70000; }, RangeError, "topology: namespaces.ns1.links[2].mtu: must be an integer 68..65535, got 70000"],
  ["links not list", (d) => { d.namespaces.sw.links = {}; }, TypeError, "topology: namespaces.sw.links: must be a list, got an object"],
  ["kind missing", (d) => { delete d.namespaces.sw.links[0].kind; }, TypeError, "topology: namespaces.sw.links[0].kind: is required"],
  ["name too long", (d) => { d.namespaces.sw.links[0].name = 'a-very-long-interface-name'; }, RangeError, "topology: namespaces.sw.links[0].name: must be 1..15 bytes, got 26 ('a-very-long-interface-name')"],
  ["unknown opt", (d) => { d.namespaces.sw.links[0].peer = {}; }, TypeError, "topology: namespaces.sw.links[0].peer: unknown option for kind 'bridge'"],
  ["stp type", (d) => { d.namespaces.sw.links[0].stp = 'yes'; }, TypeError, "topology: namespaces.sw.links[0].stp: must be a boolean, got 'yes'"],
  ["netns on link", (d) => { d.namespaces.sw.links[0].netns = 'ns1'; }, TypeError, "topology: namespaces.sw.links[0].netns: a link lives in the namespace it is declared in: declare it under namespaces.KEY.links (a veth's other end: peer.netns)"],
  ["veth no peer", (d) => { delete d.namespaces.ns1.links[0].peer; }, TypeError, "topology: namespaces.ns1.links[0].peer: is required for a veth in a topology (its name and namespace)"],
  ["peer no name", (d) => { delete d.namespaces.ns1.links[0].peer.name; }, TypeError, "topology: namespaces.ns1.links[0].peer.name: is required (the topology finds the peer by name)"],
  ["peer ns unknown", (d) => { d.namespaces.ns1.links[0].peer.netns = 'nowhere'; }, RangeError, "topology: namespaces.ns1.links[0].peer.netns: no namespace 'nowhere' is declared (declared: sw, ns1)"],
  ["peer master unknown", (d) => { d.namespaces.ns1.links[0].peer.master = 'br9'; }, RangeError, "topology: namespaces.ns1.links[0].peer.master: no link 'br9' is declared in namespace 'sw'"],
  ["dup name", (d) => { d.namespaces.sw.links.push({ kind: 'bridge', name: 'veth1' }); }, RangeError, "topology: namespaces.ns1.links[0].peer.name: 'veth1' is already declared in namespace 'sw' (namespaces.sw.links[1])"],
  ["lo", (d) => { d.namespaces.sw.links.push({ kind: 'bridge', name: 'lo' }); }, RangeError, "topology: namespaces.sw.links[1].name: lo exists in every namespace (use namespaces.sw.lo to bring it up)"],
  ["parent unknown", (d) => { d.namespaces.ns1.links[1].parent = 'eth9'; }, RangeError, "topology: namespaces.ns1.links[1].parent: no link 'eth9' is declared in namespace 'ns1'"],
  ["parent ifindex", (d) => { d.namespaces.ns1.links[1].parent = 3; }, TypeError, "topology: namespaces.ns1.links[1].parent: give the link by name (an ifindex means nothing in a declaration), got 3"],
  ["linkNetns on bridge", (d) => { d.namespaces.sw.links[0].linkNetns = 'ns1'; }, TypeError, "topology: namespaces.sw.links[0].linkNetns: a bridge link has no parent to find in another namespace"],
  ["cycle", (d) => { d.namespaces.sw.links.push({ kind: 'bridge', name: 'brA', master: 'brB' }, { kind: 'bridge', name: 'brB', master: 'brA' }); }, RangeError, "topology: namespaces.sw.links[1]: master/parent references go round in a circle: sw/brA -> sw/brB -> sw/brA"],
  ["bridgePort without master", (d) => { d.namespaces.sw.links[0].bridgePort = { cost: 5 }; }, TypeError, "topology: namespaces.sw.links[0].bridgePort: needs master (bridge port options apply to a port of a bridge)"],
  ["bad addr", (d) => { d.namespaces.sw.links[0].addresses = ['198.18.1.300/24']; }, TypeError, "topology: namespaces.sw.links[0].addresses[0]: not an IP address: '198.18.1.300/24'"],
  ["dup addr", (d) => { d.namespaces.sw.links[0].addresses.push('198.18.1.10/24'); }, RangeError, "topology: namespaces.sw.links[0].addresses[1]: 198.18.1.10/24 is already declared on this link (namespaces.sw.links[0].addresses[0])"],
  ["addr option", (d) => { d.namespaces.sw.links[0].addresses = [{ cidr: '198.18.1.1/24', nodad: 'yes' }]; }, TypeError, "topology: namespaces.sw.links[0].addresses[0].nodad: must be a boolean"],
  ["alias too long", (d) => { d.namespaces.sw.links[0].alias = 'x'.repeat(250); }, RangeError, "topology: namespaces.sw.links[0].alias: must be at most 244 bytes (netloom puts its mark 'netloom:v ' in front)"],
  ["route via", (d) => { d.namespaces.ns1.routes[0].via = 'gateway'; }, TypeError, "topology: namespaces.ns1.routes[0].via: not an IP address: 'gateway'"],
  ["route dev unknown", (d) => { d.namespaces.ns1.routes.push({ dst: '198.18.2.0/24', dev: 'eth7' }); }, RangeError, "topology: namespaces.ns1.routes[1].dev: no link 'eth7' is declared in namespace 'ns1'"],
  // (An IPv6 gateway of an IPv4 route is fine: RTA_VIA. The other way round is not.)
  ["route family mix", (d) => { d.namespaces.ns1.routes.push({ dst: '2001:db8:2::/64', via: '198.18.0.1' }); }, TypeError, "topology: namespaces.ns1.routes[1].via: '198.18.0.1' is IPv4 but the route is IPv6"],
  ["route host bits", (d) => { d.namespaces.ns1.routes.push({ dst: '198.18.2.1/24', dev: 'eth0' }); }, RangeError, "topology: namespaces.ns1.routes[1].dst: '198.18.2.1/24' has host bits set beyond the prefix length (the kernel refuses it)"],
  ["route dup", (d) => { d.namespaces.ns1.routes.push({ dst: 'default', via: '198.18.1.1' }); }, RangeError, "topology: namespaces.ns1.routes[1]: the same route (inet default table 254 metric 0) is already declared (namespaces.ns1.routes[0])"],
  ["neigh mac", (d) => { d.namespaces.ns1.neighbours[0].lladdr = 'zz'; }, TypeError, "topology: namespaces.ns1.neighbours[0].lladdr: not a MAC address: 'zz'"],
  ["neigh dev", (d) => { d.namespaces.ns1.neighbours[0].dev = 'eth5'; }, RangeError, "topology: namespaces.ns1.neighbours[0].dev: no link 'eth5' is declared in namespace 'ns1'"],
  ["fdb vlan", (d) => { d.namespaces.ns1.fdb[0].vlan = 5000; }, RangeError, "topology: namespaces.ns1.fdb[0].vlan: must be an integer 1..4094, got 5000"],
  ["sysctl name", (d) => { d.namespaces.ns1.sysctls['kernel.hostname'] = 'x'; }, RangeError, "topology: namespaces.ns1.sysctls[\"kernel.hostname\"]: not a network sysctl (net.*; use the net/a/b form for names with dots in a part)"],
  ["sysctl value", (d) => { d.namespaces.ns1.sysctls['net.ipv4.ip_forward'] = {}; }, TypeError, "topology: namespaces.ns1.sysctls[\"net.ipv4.ip_forward\"]: must be a string, number or boolean, got an object"],
  ["tuntap not a list", (d) => { d.namespaces.ns1.tuntap = { name: 'tun0' }; }, TypeError, "topology: namespaces.ns1.tuntap: must be a list, got an object"],
  ["tuntap bad mode", (d) => { d.namespaces.ns1.tuntap[0].mode = 'tunnel'; }, RangeError, "topology: namespaces.ns1.tuntap[0].mode: must be 'tun' or 'tap', got 'tunnel'"],
  ["tuntap no mode", (d) => { delete d.namespaces.ns1.tuntap[0].mode; }, TypeError, "topology: namespaces.ns1.tuntap[0].mode: is required ('tun' or 'tap')"],
  ["tuntap name too long", (d) => { d.namespaces.ns1.tuntap[0].name = 'tun-device-01234'; }, RangeError, "topology: namespaces.ns1.tuntap[0].name: must be 1..15 bytes, got 16 ('tun-device-01234')"],
  ["tuntap template", (d) => { d.namespaces.ns1.tuntap[0].name = 'tun%d'; }, RangeError, "topology: namespaces.ns1.tuntap[0].name: must be the device's name, not a template: 'tun%d'"],
  ["tuntap no name", (d) => { delete d.namespaces.ns1.tuntap[0].name; }, TypeError, "topology: namespaces.ns1.tuntap[0].name: is required"],
  ["tuntap name taken", (d) => { d.namespaces.ns1.tuntap[0].name = 'eth0'; }, RangeError, "topology: namespaces.ns1.tuntap[0].name: 'eth0' is already declared in namespace 'ns1' (namespaces.ns1.links[0])"],
  ["tuntap lo", (d) => { d.namespaces.ns1.tuntap[0].name = 'lo'; }, RangeError, "topology: namespaces.ns1.tuntap[0].name: lo exists in every namespace (use namespaces.ns1.lo to bring it up)"],
  ["tuntap unknown", (d) => { d.namespaces.ns1.tuntap[0].queues = 2; }, TypeError, "topology: namespaces.ns1.tuntap[0].queues: unknown tuntap field (known: name, mode, owner, group, multiQueue, up, mtu, txqlen, mac, alias, master, bridgePort, addresses)"],
  ["tuntap owner", (d) => { d.namespaces.ns1.tuntap[0].owner = -1; }, RangeError, "topology: namespaces.ns1.tuntap[0].owner: must be an integer 0..4294967294, got -1"],
  ["tuntap group", (d) => { d.namespaces.ns1.tuntap[0].group = 'staff'; }, RangeError, "topology: namespaces.ns1.tuntap[0].group: must be an integer 0..4294967294, got 'staff'"],
  ["tuntap multiQueue", (d) => { d.namespaces.sw.tuntap[0].multiQueue = 'yes'; }, TypeError, "topology: namespaces.sw.tuntap[0].multiQueue: must be true or false, got 'yes'"],
  ["tuntap mtu", (d) => { d.namespaces.ns1.tuntap[0].mtu = 70000; }, RangeError, "topology: namespaces.ns1.tuntap[0].mtu: must be an integer 68..65535, got 70000"],
  ["tun mac", (d) => { d.namespaces.ns1.tuntap[0].mac = '02:00:00:00:00:01'; }, TypeError, "topology: namespaces.ns1.tuntap[0].mac: a tun device has no link-layer address (mode: tap has one)"],
  ["tun on a bridge", (d) => { d.namespaces.sw.tuntap[0].mode = 'tun'; }, RangeError, "topology: namespaces.sw.tuntap[0].master: a tun device carries IP packets, not Ethernet frames, and cannot be a port of bridge 'br0' (use mode: tap)"],
  ["tap master unknown", (d) => { d.namespaces.sw.tuntap[0].master = 'br9'; }, RangeError, "topology: namespaces.sw.tuntap[0].master: no link 'br9' is declared in namespace 'sw'"],
  ["tap bridgePort no master", (d) => { delete d.namespaces.sw.tuntap[0].master; d.namespaces.sw.tuntap[0].bridgePort = { cost: 5 }; }, TypeError, "topology: namespaces.sw.tuntap[0].bridgePort: needs master (bridge port options apply to a port of a bridge)"],
  ["external", (d) => { d.namespaces.ext = { external: { pid: 0 } }; }, RangeError, "topology: namespaces.ext.external.pid: must be a positive integer, got 0"],
  ["bond primary", (d) => { d.namespaces.ns1.links.push({ kind: 'bond', name: 'bond0', mode: 'active-backup', primary: 'eth0' }); }, TypeError, "topology: namespaces.ns1.links[3].primary: a bond's ports are made after it, so a topology cannot name its primary yet (set it once applied: nl.link.set(bond, { kind: 'bond', primary }))"],
  ["bridgePort on a bond port", (d) => { d.namespaces.sw.links.push({ kind: 'bond', name: 'bond0' }); d.namespaces.ns1.links[0].peer.master = 'bond0'; d.namespaces.ns1.links[0].peer.bridgePort = { cost: 5 }; }, RangeError, "topology: namespaces.ns1.links[0].peer.bridgePort: applies to ports of a bridge; 'bond0' is a bond"],
  ["gre remote IPv6", (d) => { d.namespaces.ns1.links.push({ kind: 'gre', name: 'gre1', remote: '2001:db8::2' }); }, RangeError, "topology: namespaces.ns1.links[3].remote: must be an IPv4 address (gre runs over IPv4; ip6gre runs over IPv6), got '2001:db8::2'"],
  ["gre dev unknown", (d) => { d.namespaces.ns1.links.push({ kind: 'gre', name: 'gre1', remote: '198.18.1.2', dev: 'eth9' }); }, RangeError, "topology: namespaces.ns1.links[3].dev: no link 'eth9' is declared in namespace 'ns1'"],
  ["ipip on itself", (d) => { d.namespaces.ns1.links.push({ kind: 'ipip', name: 'ipip0', remote: '198.18.1.2', dev: 'ipip0' }); }, RangeError, "topology: namespaces.ns1.links[3].dev: a link cannot be its own parent"],
  ["vrf without table", (d) => { d.namespaces.ns1.links.push({ kind: 'vrf', name: 'vrf0' }); }, TypeError, "topology: namespaces.ns1.links[3].table: is required (the routing table of the VRF, 1..4294967295)"],
  ["geneve has no dev", (d) => { d.namespaces.ns1.links.push({ kind: 'geneve', name: 'gnv0', id: 1, remote: '198.18.1.2', dev: 'eth0' }); }, TypeError, "topology: namespaces.ns1.links[3].dev: unknown option for kind 'geneve'"],
  ["bond mode", (d) => { d.namespaces.ns1.links.push({ kind: 'bond', name: 'bond0', mode: 'lacp' }); }, RangeError, "topology: namespaces.ns1.links[3].mode: must be one of 'balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb', got 'lacp'"],
  ["group", (d) => { d.group = 0; }, RangeError, "topology: group: must be an integer 1..4294967295, got 0"],
  ["bondPort no master", (d) => { d.namespaces.ns1.links[0].bondPort = { queueId: 1 }; }, TypeError, "topology: namespaces.ns1.links[0].bondPort: needs master (bond port options apply to a port of a bond)"],
  ["bondPort on a bridge port", (d) => { d.namespaces.ns1.links[0].peer.bondPort = { queueId: 1 }; }, RangeError, "topology: namespaces.ns1.links[0].peer.bondPort: applies to ports of a bond; 'br0' is a bridge"],
  ["bondPort queueId", (d) => { d.namespaces.sw.links.push({ kind: 'bond', name: 'bond0' }); d.namespaces.ns1.links[0].peer.master = 'bond0'; d.namespaces.ns1.links[0].peer.bondPort = { queueId: 70000 }; }, RangeError, "topology: namespaces.ns1.links[0].peer.bondPort.queueId: must be an integer 0..65535, got 70000"],
  ["qdisc rate", (d) => { d.namespaces.ns1.links[0].qdisc = { kind: 'tbf', rate: 0, burst: 4096, latency: 50 }; }, RangeError, "topology: namespaces.ns1.links[0].qdisc.rate: must be at least 8 bits per second, got 0"],
  ["qdisc kind", (d) => { d.namespaces.ns1.links[0].qdisc = { kind: 'fq_codel' }; }, TypeError, "topology: namespaces.ns1.links[0].qdisc.kind: a root qdisc is one of tbf, htb, pfifo, bfifo, got 'fq_codel' (ingress: use qdisc.ingress)"],
  ["qdisc no kind", (d) => { d.namespaces.ns1.links[0].peer.qdisc = { rate: '1mbit' }; }, TypeError, "topology: namespaces.ns1.links[0].peer.qdisc.kind: is required with rate (the root qdisc's kind: tbf, htb, pfifo, bfifo)"],
  ["qdisc classes on tbf", (d) => { d.namespaces.ns1.links[0].qdisc = { kind: 'tbf', rate: '1mbit', burst: 4096, limit: 9000, classes: [] }; }, TypeError, "topology: namespaces.ns1.links[0].qdisc.classes: only an htb root qdisc has classes, this one is tbf"],
  ["qdisc class parent", (d) => { d.namespaces.ns1.links[0].qdisc = { kind: 'htb', classes: [{ classid: '1:10', parent: '1:1', rate: '1mbit' }] }; }, RangeError, "topology: namespaces.ns1.links[0].qdisc.classes[0].parent: class '1:1' is not declared before this one"],
  ["qdisc class prio", (d) => { d.namespaces.ns1.links[0].qdisc = { kind: 'htb', classes: [{ classid: '1:10', rate: '1mbit', prio: 9 }] }; }, RangeError, "topology: namespaces.ns1.links[0].qdisc.classes[0].prio: must be an integer 0..7, got 9"],
  ["qdisc filter class", (d) => { d.namespaces.ns1.links[0].qdisc = { kind: 'htb', filters: [{ match: 'all', classid: '1:20' }] }; }, RangeError, "topology: namespaces.ns1.links[0].qdisc.filters[0].classid: class '1:20' is not declared in qdisc.classes"],
  ["qdisc filter prio twice", (d) => { d.namespaces.ns1.links[0].qdisc = { kind: 'htb', classes: [{ classid: '1:10', rate: 8000 }], filters: [{ match: 'all', classid: '1:10' }, { prio: 1, match: { dport: 80 }, classid: '1:10' }] }; }, RangeError, "topology: namespaces.ns1.links[0].qdisc.filters[1].prio: prio 1 (protocol all) is already taken by namespaces.ns1.links[0].qdisc.filters[0]"],
  ["qdisc mirred dev", (d) => { d.namespaces.ns1.links[0].qdisc = { ingress: { filters: [{ match: 'all', actions: [{ kind: 'mirred', dev: 'eth9' }] }] } }; }, RangeError, "topology: namespaces.ns1.links[0].qdisc.ingress.filters[0].actions[0].dev: no link 'eth9' is declared in namespace 'ns1'"],
  ["qdisc ingress field", (d) => { d.namespaces.ns1.links[0].qdisc = { ingress: { rules: [] } }; }, TypeError, "topology: namespaces.ns1.links[0].qdisc.ingress.rules: unknown ingress field (known: filters)"],
  ["nexthop dev", (d) => { d.namespaces.ns1.nexthops = [{ id: 1, via: '198.18.1.10', dev: 'eth9' }]; }, RangeError, "topology: namespaces.ns1.nexthops[0].dev: no link 'eth9' is declared in namespace 'ns1'"],
  ["nexthop id twice", (d) => { d.namespaces.ns1.nexthops = [{ id: 1, blackhole: true }, { id: 1, via: '198.18.1.10', dev: 'eth0' }]; }, RangeError, "topology: namespaces.ns1.nexthops[1].id: nexthop id 1 is already declared (namespaces.ns1.nexthops[0])"],
  ["nexthop member", (d) => { d.namespaces.ns1.nexthops = [{ id: 1, blackhole: true }, { id: 10, group: [{ id: 1 }, { id: 2, weight: 3 }] }]; }, RangeError, "topology: namespaces.ns1.nexthops[1].group[1].id: no nexthop 2 is declared in namespace 'ns1'"],
  ["nexthop nested group", (d) => { d.namespaces.ns1.nexthops = [{ id: 1, blackhole: true }, { id: 10, group: [{ id: 1 }] }, { id: 11, group: [{ id: 10 }] }]; }, RangeError, "topology: namespaces.ns1.nexthops[2].group[0].id: nexthop 10 is a group itself (namespaces.ns1.nexthops[1]); a group's members are single nexthops"],
  ["nexthop weight", (d) => { d.namespaces.ns1.nexthops = [{ id: 1, blackhole: true }, { id: 10, group: [{ id: 1, weight: 0 }] }]; }, RangeError, "topology: namespaces.ns1.nexthops[1].group[0].weight: must be an integer 1..65536, got 0"],
  ["nexthop fdb member", (d) => { d.namespaces.ns1.nexthops = [{ id: 1, via: '198.18.1.10', dev: 'eth0' }, { id: 10, fdb: true, group: [{ id: 1 }] }]; }, RangeError, "topology: namespaces.ns1.nexthops[1].group[0].id: nexthop 1 is not an fdb nexthop, and a group of fdb nexthops takes only those"],
  ["route nhid", (d) => { d.namespaces.ns1.routes.push({ dst: '198.18.70.0/24', nhid: 4 }); }, RangeError, "topology: namespaces.ns1.routes[1].nhid: no nexthop 4 is declared in namespace 'ns1' (namespaces.ns1.nexthops)"],
  ["route nhid and via", (d) => { d.namespaces.ns1.nexthops = [{ id: 4, blackhole: true }]; d.namespaces.ns1.routes.push({ dst: '198.18.70.0/24', nhid: 4, via: '198.18.1.10' }); }, TypeError, "topology: namespaces.ns1.routes[1].via: cannot be combined with nhid (the nexthop object says it)"],
];

t.test('the good declaration passes', async (t) => {
  t.doesNotThrow(() => topology(good()));
});

t.test('TUN/TAP devices are links of their namespace: routes, neighbours and sysctls name them', async (t) => {
  const d = good();
  d.namespaces.ns1.routes.push({ dst: '198.18.70.0/24', dev: 'tun0' });
  d.namespaces.ns1.sysctls['net.ipv4.conf.tun0.rp_filter'] = 0;
  d.namespaces.sw.neighbours = [{ dst: '198.18.1.77', lladdr: '02:00:00:00:00:77', dev: 'tap0' }];
  const mermaid = await topology(d).graph();
  t.match(mermaid, /tun0<br\/>tun<br\/>198\.18\.7\.1\/24/, 'drawn as a tun device with its address');
  t.match(mermaid, /_tap0 -\.->\|port of\| l\d+_br0/, 'the TAP device as a port of its bridge');
});

t.test('bonds, VRFs and L3 tunnels are declared like any link; ports name them as master', async (t) => {
  const d = good();
  d.namespaces.ns1.links.push(
    { kind: 'bond', name: 'bond0', mode: 'active-backup', miimon: 100, addresses: ['198.18.2.1/24'] },
    { kind: 'veth', name: 'b1', master: 'bond0', peer: { name: 'b1p' } },
    { kind: 'veth', name: 'b2', master: 'bond0', peer: { name: 'b2p' } },
    { kind: 'vrf', name: 'vrf0', table: 10 },
    { kind: 'veth', name: 'r1', master: 'vrf0', peer: { name: 'r1p', netns: 'sw' } },
    { kind: 'gre', name: 'gre1', remote: '198.18.1.10', local: '198.18.1.11', dev: 'eth0', key: 7, addresses: ['198.18.3.1/30'] },
    { kind: 'geneve', name: 'gnv0', id: 9, remote: '198.18.1.10' },
    { kind: 'ip6tnl', name: 'ip6t0', mode: 'ipip6', remote: '2001:db8::2' },
  );
  const mermaid = await topology(d).graph();
  t.match(mermaid, /l\d+_bond0\{\{"bond0<br\/>bond<br\/>198\.18\.2\.1\/24"\}\}/, 'the bond drawn as a master, with its address');
  t.match(mermaid, /_b1 -\.->\|port of\| l\d+_bond0/, 'b1 a port of the bond');
  t.match(mermaid, /_b2 -\.->\|port of\| l\d+_bond0/, 'b2 a port of the bond');
  t.match(mermaid, /_r1 -\.->\|port of\| l\d+_vrf0/, 'r1 a port of the VRF');
  t.match(mermaid, /_gre1 -\.->\|on\| l\d+_eth0/, 'the GRE tunnel on its underlay');
});

t.test('a bond with its ports, declared with master in YAML: validated and planned (this kernel has no bond to apply it)', async (t) => {
  const yaml = [
    'name: bondplan',
    'namespaces:',
    '  b:',
    '    anonymous: true',
    '    links:',
    '      - { kind: bond, name: bond0, mode: 802.3ad, miimon: 100, lacpRate: fast, xmitHashPolicy: layer3+4, addresses: [198.18.2.1/24] }',
    '      - { kind: veth, name: p1, master: bond0, peer: { name: p1x } }',
    '      - { kind: veth, name: p2, master: bond0, bondPort: { queueId: 1, prio: 5 }, peer: { name: p2x } }',
  ].join('\n');
  const plan = await topology(await parseTopology(yaml, 'yaml')).plan();
  t.same(plan.steps.filter((s) => s.stage === 'links').map((s) => `${s.action} ${s.name}`), ['create bond0 (bond)', 'create p1 (veth, peer p1x in b)', 'create p2 (veth, peer p2x in b)'], 'the bond first, its ports after it');
  t.equal(plan.conflicts.length, 0);
});

t.test('bad declarations fail with the path of the problem', async (t) => {
  for (const [what, edit, Class, message] of CASES) {
    let d = good();
    if (edit(d) === null) d = null;
    t.throws(() => topology(d), new Class(message), what);
  }
});

t.test('options of topology() are checked too', async (t) => {
  t.throws(() => topology(good(), { prefix: 'x' }), new TypeError('topology: options.prefix: unknown option'));
  t.throws(() => topology(good(), { netnsPrefix: 'a/' }), new RangeError("topology: namespaces.sw: not a valid namespace name: 'a/sw'"));
});

t.test('YAML and JSON files', async (t) => {
  const yaml = await loadTopology(file('s2-bridge.yaml'));
  t.same(JSON.parse(JSON.stringify(DEMO_TOPOLOGY)), yaml, 'netloom demo builds exactly examples/topologies/s2-bridge.yaml');
  t.same(await parseTopology(JSON.stringify(yaml), 'json'), yaml, 'the same as JSON');
  const mac = await parseTopology('name: x\nnamespaces: { a: { fdb: [{ lladdr: 02:00:00:00:01:02, dev: eth0 }] } }\n');
  t.equal(mac.namespaces.a.fdb[0].lladdr, '02:00:00:00:01:02', 'a MAC address stays text (YAML 1.2)');
  await t.rejects(parseTopology('name: x\nnamespaces:\n  a: [\n', 'yaml', 'bad.yaml'), /^bad\.yaml: not valid YAML: .*line 4/s);
  await t.rejects(parseTopology('{"name": ', 'json', 'bad.json'), /^bad\.json: not valid JSON/);
  await t.rejects(parseTopology('- a\n- b\n', 'yaml', 'list.yaml'), new TypeError('list.yaml: a topology declaration must be a mapping (name, namespaces, ...)'));
  await t.rejects(parseTopology('name: x\nname: y\n', 'yaml', 'dup.yaml'), /dup\.yaml: not valid YAML: Map keys must be unique/);
});

t.test('every example topology file is valid', async (t) => {
  const dir = fileURLToPath(new URL('../../examples/topologies/', import.meta.url));
  const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
  t.ok(files.length >= 12, `${files.length} files`);
  for (const f of files) {
    const spec = await loadTopology(file(f));
    t.doesNotThrow(() => topology(spec), f);
  }
});

t.test('graphs: Mermaid, DOT, SVG', async (t) => {
  const topo = topology(await loadTopology(file('s2-bridge.yaml')));
  const mermaid = await topo.graph();
  t.equal(
    mermaid,
    [
      'flowchart LR',
      '  %% s2-bridge: S2: a bridge as a virtual switch for two namespaces',
      '  subgraph ns0_switch["switch"]',
      '    l3_br0{{"br0<br/>bridge<br/>198.18.1.10/24"}}',
      '    l4_veth1_br["veth1_br<br/>veth"]',
      '    l5_veth2_br["veth2_br<br/>veth"]',
      '  end',
      '  subgraph ns1_ns1["ns1"]',
      '    l6_veth1_ns["veth1_ns<br/>veth<br/>198.18.1.11/24"]',
      '  end',
      '  subgraph ns2_ns2["ns2"]',
      '    l7_veth2_ns["veth2_ns<br/>veth<br/>198.18.1.12/24"]',
      '  end',
      '  l4_veth1_br -.->|port of| l3_br0',
      '  l5_veth2_br -.->|port of| l3_br0',
      '  l6_veth1_ns <-->|veth| l4_veth1_br',
      '  l7_veth2_ns <-->|veth| l5_veth2_br',
      '',
    ].join('\n'),
  );
  const dot = await topo.graph({ format: 'dot' });
  t.match(dot, /^graph "s2-bridge: S2: a bridge as a virtual switch for two namespaces" \{/);
  t.match(dot, /subgraph cluster_ns0_switch \{\n    label="switch";/);
  t.match(dot, /l3_br0 \[label="br0\\nbridge\\n198\.18\.1\.10\/24", shape=hexagon\];/);
  t.match(dot, /l6_veth1_ns -- l4_veth1_br \[label="veth", penwidth=2\];/);
  t.match(dot, /l4_veth1_br -- l3_br0 \[style=dashed, label="port"\];/);
  // SVG is drawn in-process (Graphviz in WebAssembly): no program to install.
  checkSvg(t, await topo.graph({ format: 'svg' }), await topo.graphData());
  checkSvg(t, await toSvg(await topo.graphData()), await topo.graphData());
  const s5 = topology(await loadTopology(file('s5-tun.yaml')));
  checkSvg(t, await s5.graph({ format: 'svg' }), await s5.graphData());
  await t.rejects(toSvg(await topo.graphData(), { dot: 'netloom-no-such-dot-program' }), /SVG output with the 'netloom-no-such-dot-program' program needs it installed \(Debian\/Ubuntu: apt-get install graphviz\); without the dot option SVG is drawn in-process/);
  const aborted = AbortSignal.abort();
  await t.rejects(toSvg(await topo.graphData(), { signal: aborted }), { name: 'AbortError' }, 'an aborted signal stops it before drawing');
  await t.rejects(renderGraph(await topo.graphData(), 'png'), new RangeError("graph: format: must be 'mermaid', 'dot' or 'svg', got 'png'"));
  const s7 = topology(await loadTopology(file('s7-vxlan.yaml')));
  t.match(await s7.graph(), /-\.->\|on\| /, 'a VTEP drawn on its underlay link');
});
