// netloom's transaction for each case of test/fixtures/nft/sets.json (nft's
// commands for it there): the set golden test compares their bytes, the set
// tests their kernel state. `elements`: what listing the set gives back,
// when that is not what set.add was given.
const at = (family, name) => ({ family, table: 't', name });
const ip = (name) => at('ip', name);

export const SET_CASES = {
  ipv4: { run: (tx) => tx.set.add({ ...ip('s'), type: 'ipv4_addr', elements: ['198.18.0.1', '198.18.0.2'] }) },
  'ipv4-then-add': { run: (tx) => tx.set.add({ ...ip('s'), type: 'ipv4_addr' }).set.elements.add(ip('s'), ['198.18.0.1', '198.18.0.2']), elements: ['198.18.0.1', '198.18.0.2'] },
  ipv6: { run: (tx) => tx.set.add({ ...at('ip6', 's'), type: 'ipv6_addr', elements: ['2001:db8::1', '2001:db8::2'] }) },
  ports: { run: (tx) => tx.set.add({ ...ip('s'), type: 'inet_service', elements: [22, 80, 443] }) },
  protos: { run: (tx) => tx.set.add({ ...ip('s'), type: 'inet_proto', elements: ['tcp', 'udp'] }) },
  ifnames: { run: (tx) => tx.set.add({ ...ip('s'), type: 'ifname', elements: ['br0', 'veth1'] }) },
  ether: { run: (tx) => tx.set.add({ ...ip('s'), type: 'ether_addr', elements: ['02:00:00:00:00:01', '02:00:00:00:00:02'] }) },
  marks: { run: (tx) => tx.set.add({ ...ip('s'), type: 'mark', elements: [0x10, 7] }) },
  'interval-v4': {
    run: (tx) => tx.set.add({ ...ip('s'), type: 'ipv4_addr', flags: { interval: true }, elements: ['198.18.1.0/24', ['198.18.2.1', '198.18.2.9'], '198.18.4.4', '255.255.255.0/24'] }),
  },
  'interval-v6': { run: (tx) => tx.set.add({ ...at('ip6', 's'), type: 'ipv6_addr', flags: { interval: true }, elements: ['2001:db8::/64', ['2001:db8:1::1', '2001:db8:1::9']] }) },
  'interval-ports': { run: (tx) => tx.set.add({ ...ip('s'), type: 'inet_service', flags: { interval: true }, elements: [[0, 10], 22, [1000, 2000], [60000, 65535]] }) },
  'interval-add-existing': {
    run: (tx) => tx.set.elements.add({ ...ip('s'), type: 'ipv4_addr', flags: { interval: true } }, ['198.18.1.0/24', '198.18.3.0/24']),
    elements: ['198.18.1.0/24', '198.18.3.0/24', '198.18.9.0/24'],
  },
  'constant-interval': { run: (tx) => tx.set.add({ ...ip('s'), type: 'ipv4_addr', flags: { constant: true, interval: true }, elements: ['198.18.1.0/24', '198.18.3.0/24'] }) },
  timeout: { run: (tx) => tx.set.add({ ...ip('s'), type: 'ipv4_addr', timeout: 60000, comment: 'web', elements: [{ key: '198.18.0.1', timeout: 10000 }, '198.18.0.2'] }) },
  vmap: {
    run: (tx) =>
      tx.set.add({ ...ip('m'), type: 'inet_service', map: 'verdict', elements: [{ key: 22, value: 'accept' }, { key: 80, value: 'drop' }, { key: 443, value: { jump: 'other' } }] }),
  },
  'dnat-map': {
    run: (tx) =>
      tx.set.add({ ...ip('m'), type: 'ipv4_addr', map: 'ipv4_addr', elements: [{ key: '198.18.0.1', value: '198.18.1.1' }, { key: '198.18.0.2', value: '198.18.1.2' }] }),
  },
  'port-map': { run: (tx) => tx.set.add({ ...ip('m'), type: 'inet_service', map: 'inet_service', elements: [{ key: 80, value: 8080 }] }) },
  'add-existing': { run: (tx) => tx.set.elements.add({ ...ip('s'), type: 'ipv4_addr' }, ['198.18.0.1']), elements: ['198.18.0.1'] },
  'del-elements': { run: (tx) => tx.set.elements.del({ ...ip('s'), type: 'ipv4_addr' }, ['198.18.0.1']), elements: ['198.18.0.2'] },
  'del-interval': { run: (tx) => tx.set.elements.del({ ...ip('s'), type: 'ipv4_addr', flags: { interval: true } }, ['198.18.1.0/24']), elements: ['198.18.3.0/24'] },
  'del-set': { run: (tx) => tx.set.del(ip('s')) },
  'rule-saddr': {
    run: (tx) => tx.set.add({ ...ip('allowed'), type: 'ipv4_addr' }).rule.add({ family: 'ip', table: 't', chain: 'c', match: { saddr: { set: 'allowed' } }, verdict: 'accept' }),
  },
  'rule-saddr-not': {
    run: (tx) => tx.set.add({ ...ip('blocked'), type: 'ipv4_addr' }).rule.add({ family: 'ip', table: 't', chain: 'c', match: { saddr: { not: { set: 'blocked' } } }, verdict: 'drop' }),
  },
  'rule-dport': {
    run: (tx) => tx.set.add({ ...ip('ports'), type: 'inet_service' }).rule.add({ family: 'ip', table: 't', chain: 'c', match: { proto: 'tcp', dport: { set: 'ports' } }, verdict: 'accept' }),
  },
  'rule-iifname': {
    run: (tx) => tx.set.add({ ...ip('ifs'), type: 'ifname' }).rule.add({ family: 'ip', table: 't', chain: 'c', match: { iifname: { set: 'ifs' } }, verdict: 'accept' }),
  },
  'rule-mark-not': {
    run: (tx) => tx.set.add({ ...ip('marks'), type: 'mark' }).rule.add({ family: 'ip', table: 't', chain: 'c', match: { mark: { not: { set: 'marks' } } }, verdict: 'drop' }),
  },
  'rule-vmap': {
    run: (tx) =>
      tx.set.add({ ...ip('vm'), type: 'inet_service', map: 'verdict' }).rule.add({ family: 'ip', table: 't', chain: 'c', match: { proto: 'tcp' }, verdict: { vmap: { set: 'vm', key: 'dport' } } }),
  },
  'rule-inet-v6': {
    run: (tx) => tx.set.add({ ...at('inet', 's6'), type: 'ipv6_addr' }).rule.add({ family: 'inet', table: 't', chain: 'c', match: { daddr: { set: 's6', family: 'ip6' } }, verdict: 'drop' }),
  },
  'rule-inet-vmap': {
    run: (tx) =>
      tx.set.add({ ...at('inet', 'vm'), type: 'ipv4_addr', map: 'verdict' }).rule.add({ family: 'inet', table: 't', chain: 'c', verdict: { vmap: { set: 'vm', key: 'saddr', family: 'ip' } } }),
  },
};
