#!/usr/bin/env node
// Generates the rtnetlink codec tables from the kernel's YNL specs.
//
//   node tools/gen-rtnl.mjs           write native/gen/rtnl_tables.inc and lib/gen/rtnl.ts
//   node tools/gen-rtnl.mjs --check   regenerate in memory; exit 1 if the files differ
//
// Inputs: spec/rt-{link,addr,route,neigh,rule}.yaml (the kernel's own specs,
// unmodified), tools/rtnl-extras.yaml (link kinds the specs lack, merged into
// rt-link), tools/rt-nexthop.yaml and tools/rtnl-tc.yaml (families the kernel
// has no spec for, or none netloom can use: written here in the same format) and the installed UAPI headers, which are scanned so that every
// message type, attribute number, enum value, struct size and member offset
// the tables use is static_asserted against them when the C++ compiles. A
// name the installed headers do not define (newer kernel, or a spelling the
// spec does not share with C) gets a comment instead of an assert.
//
// The table types are fixed by native/rtnl_schema.h; this script only fills
// them. Output is deterministic (no dates, stable ordering), so --check can
// compare byte for byte. It does depend on the installed headers, since they
// decide which asserts are emitted.

import { readFileSync, writeFileSync, readdirSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPEC_FILES = ['rt-link.yaml', 'rt-addr.yaml', 'rt-route.yaml', 'rt-neigh.yaml', 'rt-rule.yaml'];
// Families netloom describes itself in the same YNL format (repo paths): one
// the kernel ships no spec for (nexthop), one whose kernel spec is too wide
// and wrong about tc_ratespec for netloom's use (tc).
const OWN_SPEC_FILES = ['tools/rt-nexthop.yaml', 'tools/rtnl-tc.yaml'];
const EXTRAS_FILE = 'tools/rtnl-extras.yaml';
const EXTRAS_FAMILY = 'rt-link';
const OUT_CPP = 'native/gen/rtnl_tables.inc';
const OUT_TS = 'lib/gen/rtnl.ts';
const UAPI_DIR = '/usr/include/linux';
// The sub-message whose format values are the link kinds (IFLA_INFO_KIND).
const LINK_KIND_SUB = 'linkinfo-data-msg';

// ---------------------------------------------------------------------------
// Knowledge the specs do not carry: how some spec names are spelled in C.

// Enum definitions without a `name-prefix`: the prefix of their C constants.
const ENUM_C_PREFIX = {
  'ipv4-devconf': 'ipv4-devconf-',
  'vlan-protocols': 'eth-p-',
  'ipv6-devconf': 'devconf-',
  'ifla-icmp6-stats': 'icmp6-mib-',
  'ifla-inet6-stats': 'ipstats-mib-',
  'vlan-flags': 'vlan-flag-',
  'ifla-vf-link-state-enum': 'ifla-vf-link-state-',
  'rtext-filter': 'rtext-filter-',
  'netkit-mode': 'netkit-',
  'netkit-scrub': 'netkit-scrub-',
  // The spec's prefix lacks the trailing dash; C has OVPN_MODE_P2P.
  'ovpn-mode': 'ovpn-mode-',
  'nud-state': 'nud-',
  'ntf-flags': 'ntf-',
  'ntf-ext-flags': 'ntf-ext-',
  'rtm-type': 'rtn-',
  'fr-act': 'fr-act-',
};

// Enums whose spec values are the C values minus this. ipv4-devconf counts
// from 0 (the index into IFLA_INET_CONF); IPV4_DEVCONF_* count from 1.
const ENUM_C_OFFSET = {
  'ipv4-devconf': 1,
};

// Enum entries whose C name is not prefix + NAME.
const ENUM_C_NAME = {
  'netkit-policy/forward': 'NETKIT_PASS',
  'netkit-policy/blackhole': 'NETKIT_DROP',
  'ifinfo-flags/no-trailers': 'IFF_NOTRAILERS',
  'ifinfo-flags/point-to-point': 'IFF_POINTOPOINT',
  'ifinfo-flags/no-arp': 'IFF_NOARP',
  'ifinfo-flags/all-multi': 'IFF_ALLMULTI',
  'ifinfo-flags/auto-media': 'IFF_AUTOMEDIA',
  'ifla-inet6-stats/ect1-pkts': 'IPSTATS_MIB_ECT1PKTS',
  'ifla-inet6-stats/ect0-pkts': 'IPSTATS_MIB_ECT0PKTS',
};

// C structs whose members carry a prefix the spec drops (ndtm_family, ...).
const STRUCT_C_MEMBER_PREFIX = {
  'rtgenmsg': 'rtgen_',
  'ndtmsg': 'ndtm_',
  'ndt-config': 'ndtc_',
  'ndt-stats': 'ndts_',
  'nda-cacheinfo': 'ndm_',
  'nhmsg': 'nh_',
};

// Spec structs that must not be checked against the same-named C struct.
// Keyed by "family/struct".
const STRUCT_NOT_C = {
  // rt-rule pads rtgenmsg to 4 bytes (the aligned payload); the C struct
  // rtgenmsg is 1 byte, as rt-link's definition says.
  'rt-rule/rtgenmsg': 'rt-rule pads rtgenmsg to its 4-byte aligned payload; C struct rtgenmsg is 1 byte',
};

// Spec structs that describe only the start of their C struct. The rest is
// added as trailing padding, so that size is the real sizeof (what the
// kernel sends) and can be asserted. Keyed by struct name: [bytes, why].
const STRUCT_TAIL_PAD = {
  'rta-cacheinfo': [12, 'the spec omits rta_id, rta_ts and rta_tsage (3 x __u32) at the end'],
};

// Struct members whose spec width differs from the C member's, so that
// sizeof(member) is not asserted (the offset still is). Keyed by "struct.member".
const MEMBER_WIDTH_MISMATCH = {
  'ifla-vf-vlan-info.vlan-proto':
    'spec: u32; C: __be16 vlan_proto followed by 2 bytes of tail padding',
};

// Where identifiers may come from besides /usr/include/linux/*.h: the AF_*
// numbers of af-spec-attrs live in glibc's <sys/socket.h>.
// tc's actions keep their headers in linux/tc_act/.
const EXTRA_HEADERS = [
  { include: 'sys/socket.h', candidates: ['bits/socket.h'] },
  { include: 'linux/tc_act/tc_mirred.h', candidates: ['linux/tc_act/tc_mirred.h'] },
];

// Struct members that C declares through a macro the header scan cannot
// expand: tc_gen (linux/pkt_cls.h) opens every action's parameter struct.
const MACRO_MEMBERS = {
  tc_gen: ['index', 'capab', 'action', 'refcnt', 'bindcnt'],
};

// Spec structs whose last member stands for one element of the C struct's
// flexible array: [member, C member, C element struct, why]. sizeof is
// asserted as the C struct plus one element.
const STRUCT_FLEX_TAIL = {
  'tc-u32-sel': ['key', 'keys', 'tc_u32_key', 'C ends in the flexible array keys[]; netloom carries one key'],
};

// When an identifier is defined by several headers, include the first of these.
const PREFERRED_HEADERS = [
  'linux/rtnetlink.h', 'linux/if_link.h', 'linux/if_addr.h', 'linux/neighbour.h',
  'linux/fib_rules.h', 'linux/nexthop.h', 'linux/veth.h', 'linux/if_bridge.h', 'linux/if.h',
  'linux/if_arp.h', 'linux/if_ether.h', 'sys/socket.h', 'linux/pkt_sched.h', 'linux/pkt_cls.h',
];

// ---------------------------------------------------------------------------
// Names.

// "net-ns-fd" → "netNsFd"; "8021q" and "link-64" → "8021q", "link64".
function camel(name) {
  return name.split('-').map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join('');
}

// A C identifier fragment for a spec name ("link-attrs" → "link_attrs").
function cIdent(name) {
  return name.replace(/[^A-Za-z0-9]/g, '_');
}

// A C constant from a YNL prefix and name ("ifla-" + "net-ns-fd" → IFLA_NET_NS_FD).
function cConst(prefix, name) {
  return (prefix + name).toUpperCase().replace(/-/g, '_');
}

function fail(msg) {
  throw new Error(`gen-rtnl: ${msg}`);
}

function byStrcmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;  // ASCII names: same order as strcmp
}

// ---------------------------------------------------------------------------
// Loading: five families, with the extras merged into rt-link. Every item
// remembers the file it came from, for the generated doc comments.

function readYaml(rel) {
  return YAML.parse(readFileSync(path.join(ROOT, rel), 'utf8'));
}

function loadFamilies() {
  const files = [...SPEC_FILES.map((file) => ({ file, rel: path.join('spec', file) })), ...OWN_SPEC_FILES.map((rel) => ({ file: rel, rel }))];
  const families = files.map(({ file, rel }) => {
    const spec = readYaml(rel);
    const tag = (list) => (list ?? []).map((yaml) => ({ yaml, source: file }));
    return {
      name: spec.name,
      file,
      spec,
      definitions: tag(spec.definitions),
      sets: tag(spec['attribute-sets']),
      subs: (spec['sub-messages'] ?? []).map((s) => ({ name: s.name, formats: tag(s.formats) })),
    };
  });
  mergeExtras(families.find((f) => f.name === EXTRAS_FAMILY), readYaml(EXTRAS_FILE));
  return families;
}

function mergeExtras(family, extras) {
  const tag = (yaml) => ({ yaml, source: EXTRAS_FILE });
  const taken = (list, name) => list.some((d) => d.yaml.name === name);
  for (const def of extras.definitions ?? []) {
    if (taken(family.definitions, def.name)) fail(`${EXTRAS_FILE}: definition ${def.name} already in ${family.file}`);
    family.definitions.push(tag(def));
  }
  for (const set of extras['attribute-sets'] ?? []) {
    if (taken(family.sets, set.name)) fail(`${EXTRAS_FILE}: attribute set ${set.name} already in ${family.file}`);
    family.sets.push(tag(set));
  }
  for (const o of extras.overrides ?? []) applyOverride(family, o);
  for (const op of extras.operations?.list ?? []) {
    if (family.spec.operations.list.some((o) => o.name === op.name)) fail(`${EXTRAS_FILE}: operation ${op.name} already in ${family.file}`);
    family.spec.operations.list.push(op);
  }
  for (const sub of extras['sub-messages'] ?? []) {
    let target = family.subs.find((s) => s.name === sub.name);
    if (!target) family.subs.push((target = { name: sub.name, formats: [] }));
    for (const format of sub.formats) {
      if (target.formats.some((f) => f.yaml.value === format.value)) fail(`${EXTRAS_FILE}: ${sub.name} already has ${format.value}`);
      target.formats.push(tag(format));
    }
  }
}

// An override corrects one attribute of a spec set (or one member of a spec
// struct) where the spec disagrees with the kernel's netlink policy: its
// `with` keys replace the spec's. Each override names what it changes, so a
// stale one (the spec fixed or renamed it) fails loudly instead of silently.
function applyOverride(family, o) {
  const where = o.set ? `attribute set ${o.set}` : `definition ${o.definition}`;
  const list = o.set ? family.sets : family.definitions;
  const owner = list.find((d) => d.yaml.name === (o.set ?? o.definition));
  if (!owner) fail(`${EXTRAS_FILE}: override: no ${where}`);
  const items = o.set ? owner.yaml.attributes : owner.yaml.members;
  for (const name of o.attributes ?? o.members ?? []) {
    const item = (items ?? []).find((a) => a.name === name);
    if (!item) fail(`${EXTRAS_FILE}: override: ${where} has no ${name}`);
    Object.assign(item, o.with);
  }
}

// ---------------------------------------------------------------------------
// The UAPI headers: which identifiers and structs exist, and where.

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

// The text between the brace at `open` and its match.
function braceBody(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

// Member names of a struct body (nested anonymous unions flattened).
function structMembers(body) {
  const names = new Set();
  const flat = body.replace(/^\s*#.*$/gm, '').replace(/__attribute__\s*\(\(.*?\)\)/g, '').replace(/[{}]/g, ';');
  for (const decl of flat.split(';')) {
    for (const piece of decl.replace(/\[[^\]]*\]/g, '').replace(/:\s*\w+\s*$/, '').split(',')) {
      const m = /([A-Za-z_]\w*)\s*$/.exec(piece.trim());
      if (m) for (const name of MACRO_MEMBERS[m[1]] ?? [m[1]]) names.add(name);
    }
  }
  return names;
}

// Parses one header: #define names, enum constants and struct definitions.
function scanHeader(text) {
  const code = stripComments(text);
  const idents = new Set();
  for (const m of code.matchAll(/^\s*#\s*define\s+([A-Za-z_]\w*)/gm)) idents.add(m[1]);
  for (const m of code.matchAll(/\benum\b[^{};()]*\{/g)) {
    const body = braceBody(code, m.index + m[0].length - 1).replace(/^\s*#.*$/gm, '');
    for (const item of body.split(',')) {
      const name = /^\s*([A-Za-z_]\w*)/.exec(item);
      if (name) idents.add(name[1]);
    }
  }
  const structs = new Map();
  for (const m of code.matchAll(/\bstruct\s+([A-Za-z_]\w*)\s*\{/g)) {
    if (!structs.has(m[1])) structs.set(m[1], structMembers(braceBody(code, m.index + m[0].length - 1)));
  }
  return { idents, structs };
}

function headerFiles() {
  const files = readdirSync(UAPI_DIR)
    .filter((f) => f.endsWith('.h'))
    .sort()
    .map((f) => ({ include: `linux/${f}`, file: path.join(UAPI_DIR, f) }));
  // glibc keeps bits/socket.h under a multiarch directory (x86_64-linux-gnu/...).
  const dirs = ['/usr/include', ...readdirSync('/usr/include').sort().map((d) => path.join('/usr/include', d))];
  for (const { include, candidates } of EXTRA_HEADERS) {
    const found = dirs.flatMap((d) => candidates.map((c) => path.join(d, c))).find((f) => existsSync(f));
    if (found) files.push({ include, file: found });
  }
  return files;
}

function headerRank(include) {
  const i = PREFERRED_HEADERS.indexOf(include);
  return i < 0 ? PREFERRED_HEADERS.length : i;
}

// ident → include path, struct name → { include, members }.
function scanUapi() {
  const idents = new Map();
  const structs = new Map();
  const files = headerFiles().sort((a, b) => headerRank(a.include) - headerRank(b.include) || byStrcmp(a.include, b.include));
  for (const { include, file } of files) {
    const scan = scanHeader(readFileSync(file, 'utf8'));
    for (const id of scan.idents) if (!idents.has(id)) idents.set(id, include);
    for (const [name, members] of scan.structs) if (!structs.has(name)) structs.set(name, { include, members });
  }
  return { idents, structs };
}

// ---------------------------------------------------------------------------
// The model: structs, enums, attribute sets, sub-messages and messages,
// resolved across the five families. Names of sets and sub-messages are
// unique over all families; struct and enum names repeat (rtgenmsg, rtm-type)
// and are shared when identical, qualified by family when not.

const INT_TYPES = {
  u8: ['U8', 1], u16: ['U16', 2], u32: ['U32', 4], u64: ['U64', 8],
  s8: ['S8', 1], s16: ['S16', 2], s32: ['S32', 4], s64: ['S64', 8],
};
const ADDRESS_HINTS = { mac: 'Mac', ipv4: 'Ipv4', ipv6: 'Ipv6', 'ipv4-or-v6': 'IpAny' };

function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function buildStruct(def, family, source) {
  let offset = 0;
  let align = 1;
  const members = [];
  const groups = [];
  const tail = STRUCT_TAIL_PAD[def.name];
  const specMembers = tail ? [...def.members, { name: 'tail', type: 'pad', len: tail[0] }] : def.members;
  for (const m of specMembers) {
    if (m.struct) {
      // An embedded struct (extension, tools/rtnl-tc.yaml): its members,
      // flattened under this member's name, at the struct's alignment.
      const inner = family.definitions.find((d) => d.yaml.name === m.struct && d.yaml.type === 'struct');
      if (!inner) fail(`struct ${def.name}.${m.name}: unknown struct ${m.struct}`);
      const sub = buildStruct(inner.yaml, family, source);
      offset = Math.ceil(offset / sub.align) * sub.align;
      align = Math.max(align, sub.align);
      groups.push({ name: m.name, struct: m.struct, offset, size: sub.size });
      for (const im of sub.members) {
        members.push({ ...im, name: `${m.name}.${im.name}`, camel: im.camel === null ? null : camel(`${m.name}-${im.name}`), offset: offset + im.offset, inGroup: true });
      }
      offset += sub.size;
      continue;
    }
    const [kind, width, memberAlign] = structMemberKind(m, def.name);
    // C lays members out at their natural alignment (ifla_vf_guid's u64 sits
    // at 8, not 4), and rounds the size up to the largest alignment.
    offset = Math.ceil(offset / memberAlign) * memberAlign;
    align = Math.max(align, memberAlign);
    members.push({
      name: m.name,
      camel: kind === 'Pad' ? null : camel(m.name),
      kind,
      offset,
      len: width,
      bigEndian: m['byte-order'] === 'big-endian',
    });
    offset += width;
  }
  const size = Math.ceil(offset / align) * align;
  return {
    name: def.name, family: family.name, source, members, groups, size, align, tailNote: tail ? tail[1] : null,
    layout: members.map((m) => [m.kind, m.offset, m.len, m.bigEndian]),
  };
}

// [Kind, byte length, alignment] of one struct member.
function structMemberKind(m, structName) {
  const where = `struct ${structName}.${m.name}`;
  if (m.struct) fail(`${where}: nested struct members are not supported`);
  if (m.type in INT_TYPES) {
    const [kind, width] = INT_TYPES[m.type];
    return [m.type === 'u32' && m['display-hint'] === 'ipv4' ? 'Ipv4' : kind, width, width];
  }
  if (m.type === 'pad' || m.type === 'binary') {
    if (!Number.isInteger(m.len)) fail(`${where}: len must be a number, got ${m.len}`);
    const kind = m.type === 'pad' ? 'Pad' : ADDRESS_HINTS[m['display-hint']] ?? 'Binary';
    if (kind === 'IpAny') fail(`${where}: ipv4-or-v6 has no fixed length`);
    return [kind, m.len, 1];
  }
  fail(`${where}: member type ${m.type} is not supported`);
}

function buildEnum(def, source) {
  const isFlags = def.type === 'flags';
  let next = def['value-start'] ?? 0;
  if (!Number.isInteger(next)) fail(`enum ${def.name}: value-start ${next} is not a number`);
  const entries = def.entries.map((e) => {
    const entry = typeof e === 'string' ? { name: e } : e;
    const value = entry.value ?? next;
    next = value + 1;
    // Flags entries count bit positions; the table holds the mask.
    return { name: entry.name, camel: camel(entry.name), value: isFlags ? 2 ** value : value };
  });
  const cPrefix = ENUM_C_PREFIX[def.name] ?? def['name-prefix'] ?? null;
  return { name: def.name, type: def.type, sources: [source], entries, cPrefix };
}

// Structs and enums of all families; returns per-family lookup maps.
function buildDefinitions(families, model) {
  const structsByName = new Map();
  const enumsByName = new Map();
  for (const family of families) {
    family.structs = new Map();
    for (const { yaml: def, source } of family.definitions) {
      if (def.type === 'struct') {
        const s = buildStruct(def, family, source);
        const prev = structsByName.get(def.name);
        if (prev && sameJson(prev.layout, s.layout) && sameJson(prev.members.map((m) => m.name), s.members.map((m) => m.name))) {
          family.structs.set(def.name, prev);
          continue;
        }
        s.id = prev ? `kStruct_${cIdent(family.name)}_${cIdent(def.name)}` : `kStruct_${cIdent(def.name)}`;
        s.cNotChecked = STRUCT_NOT_C[`${family.name}/${def.name}`] ?? null;
        if (!prev) structsByName.set(def.name, s);
        family.structs.set(def.name, s);
        model.structs.push(s);
      } else if (def.type === 'enum' || def.type === 'flags') {
        const e = buildEnum(def, source);
        const prev = enumsByName.get(def.name);
        if (prev) {
          if (prev.type !== e.type || !sameJson(prev.entries, e.entries)) fail(`enum ${def.name} differs between specs`);
          if (!prev.sources.includes(source)) prev.sources.push(source);
          continue;
        }
        enumsByName.set(def.name, e);
        model.enums.push(e);
      } else if (def.type !== 'const') {
        fail(`definition ${def.name}: type ${def.type} is not supported`);
      }
    }
  }
}

// Attribute sets: first number every attribute (subsets borrow their
// parent's numbers and merge the parent's properties under their own), then
// resolve kinds, which needs the other sets, structs and sub-messages.
function buildSets(families, model) {
  const setsByName = new Map();
  for (const family of families) {
    for (const { yaml, source } of family.sets) {
      if (setsByName.has(yaml.name)) fail(`attribute set ${yaml.name} is defined twice`);
      const set = { name: yaml.name, id: `kSet_${cIdent(yaml.name)}`, family, source, yaml, attrs: null };
      setsByName.set(yaml.name, set);
      model.sets.push(set);
    }
  }
  const numbered = (set) => {
    if (set.attrs) return set.attrs;
    if (set.numbering) fail(`attribute set ${set.name}: subset-of cycle`);
    set.numbering = true;
    const parentName = set.yaml['subset-of'];
    if (parentName) {
      const parent = setsByName.get(parentName) ?? fail(`${set.name}: unknown subset-of ${parentName}`);
      const parentAttrs = numbered(parent);
      set.parent = parent;
      set.attrs = set.yaml.attributes.map((a) => {
        const base = parentAttrs.find((p) => p.name === a.name) ?? fail(`${set.name}: ${a.name} is not in ${parentName}`);
        return { name: a.name, value: base.value, yaml: { ...base.yaml, ...a } };
      });
    } else {
      let next = 1;
      set.attrs = set.yaml.attributes.map((a) => {
        const value = a.value ?? next;
        next = value + 1;
        return { name: a.name, value, yaml: a };
      });
    }
    return set.attrs;
  };
  for (const set of model.sets) numbered(set);
  return setsByName;
}

function buildSubMessages(families, model, setsByName) {
  const subsByName = new Map();
  for (const family of families) {
    for (const sub of family.subs) {
      if (subsByName.has(sub.name)) fail(`sub-message ${sub.name} is defined twice`);
      const formats = sub.formats.map(({ yaml, source }) => ({
        value: yaml.value,
        source,
        set: yaml['attribute-set'] ? setsByName.get(yaml['attribute-set']) ?? fail(`${sub.name}/${yaml.value}: unknown set`) : null,
        fixed: yaml['fixed-header'] ? lookupStruct(family, yaml['fixed-header'], `${sub.name}/${yaml.value}`) : null,
      }));
      const s = { name: sub.name, id: `kSub_${cIdent(sub.name)}`, family, formats };
      subsByName.set(sub.name, s);
      model.subs.push(s);
    }
  }
  return subsByName;
}

function lookupStruct(family, name, where) {
  return family.structs.get(name) ?? fail(`${where}: unknown struct ${name}`);
}

// Kind and links of one attribute (spec type → rtnl_schema.h Kind).
function resolveAttr(attr, set, ctx) {
  const y = attr.yaml;
  const where = `${set.name}.${attr.name}`;
  const out = {
    kind: null, bigEndian: y['byte-order'] === 'big-endian', multi: y['multi-attr'] === true,
    elem: 'U8', nested: null, fixed: null, sub: null, selector: null,
  };
  const nestedSet = () => ctx.sets.get(y['nested-attributes']) ?? fail(`${where}: unknown nested set ${y['nested-attributes']}`);
  switch (y.type) {
    case 'nest':
      out.kind = 'Nest';
      out.nested = nestedSet();
      // Extension (rtnl-extras.yaml): a fixed header before the nested attributes.
      if (y['fixed-header']) out.fixed = lookupStruct(set.family, y['fixed-header'], where);
      break;
    case 'indexed-array':
      out.kind = 'IndexedArray';
      if (y['sub-type'] === 'nest') {
        out.elem = 'Nest';
        out.nested = nestedSet();
      } else if (y.struct) {
        out.elem = 'Struct';
        out.fixed = lookupStruct(set.family, y.struct, where);
      } else {
        out.elem = scalarKind(y['sub-type'], y['display-hint'], where);
      }
      // Extension (rtnl-tc.yaml): the nla_type of the first element.
      out.firstIndex = y['index-start'] ?? 0;
      break;
    case 'sub-message': {
      out.kind = 'SubMessage';
      out.sub = ctx.subs.get(y['sub-message']) ?? fail(`${where}: unknown sub-message ${y['sub-message']}`);
      if (!set.attrs.some((a) => a.name === y.selector)) fail(`${where}: selector ${y.selector} is not in ${set.name}`);
      out.selector = camel(y.selector);
      break;
    }
    case 'binary':
      if (y.struct) {
        // Extension (rt-nexthop.yaml): `array: true`, a packed array of the struct.
        out.kind = y.array === true ? 'StructArray' : 'Struct';
        out.fixed = lookupStruct(set.family, y.struct, where);
        break;
      }
      // A binary with `sub-type` (an array of u32/u64, e.g. IFLA_INET_CONF)
      // has no Kind of its own; it stays Binary (a Buffer in JS).
      out.kind = scalarKind('binary', y['display-hint'], where);
      break;
    default:
      out.kind = scalarKind(y.type, y['display-hint'], where);
  }
  return out;
}

function scalarKind(type, hint, where) {
  if (type in INT_TYPES) {
    // An IPv4 address carried as a u32 is 4 network-order bytes whatever the
    // spec says about byte order (IFA_BROADCAST, IFLA_GENEVE_REMOTE, ...).
    return type === 'u32' && hint === 'ipv4' ? 'Ipv4' : INT_TYPES[type][0];
  }
  switch (type) {
    case 'uint': return 'Uint';
    case 'sint': return 'Sint';
    case 'string': return 'String';
    case 'flag': return 'Flag';
    case 'pad': return 'Pad';
    case 'bitfield32': return 'Bitfield32';
    case 'binary': return ADDRESS_HINTS[hint] ?? 'Binary';
    default: fail(`${where}: attribute type ${type} is not supported`);
  }
}

function resolveSets(model, ctx) {
  for (const set of model.sets) {
    const byCamel = new Map();
    for (const attr of set.attrs) {
      attr.hole = attr.yaml.type === 'unused';
      if (attr.hole) continue;
      attr.camel = camel(attr.name);
      if (byCamel.has(attr.camel)) fail(`${set.name}: two attributes are named ${attr.camel}`);
      byCamel.set(attr.camel, attr);
      if (set.attrs.some((o) => o !== attr && o.value === attr.value)) fail(`${set.name}: two attributes have type ${attr.value}`);
      attr.spec = resolveAttr(attr, set, ctx);
    }
    set.real = set.attrs.filter((a) => !a.hole);
    set.maxType = Math.max(0, ...set.attrs.map((a) => a.value));
    // Subsets are named with their parent's prefix and share its numbers.
    const named = set.parent ? rootSet(set) : set;
    set.cPrefix = named.yaml['name-prefix'] ?? null;
  }
}

function rootSet(set) {
  return set.parent ? rootSet(set.parent) : set;
}

// Message types of a family. In the "directional" model the request and the
// reply of one operation have their own numbers (getlink: 18 asks, 16
// answers). A number gets the name of the operation that sends it as a
// request; one that is only ever a reply takes the rtnetlink convention
// RTM_GETx → RTM_NEWx (getstats' reply 92 is newstats).
function collectMessages(family, model) {
  const ops = family.spec.operations;
  const list = ops.list;
  const headerOf = (op) => op['fixed-header'] ?? ops['fixed-header'] ?? null;
  const found = [];
  const add = (type, name, rank, op, setName) => {
    if (!Number.isInteger(type)) return;
    const header = headerOf(op);
    found.push({
      type, name, rank, family,
      header: header ? lookupStruct(family, header, `operation ${op.name}`) : null,
      attrs: setName ? model.setsByName.get(setName) ?? fail(`operation ${op.name}: unknown set ${setName}`) : null,
    });
  };
  for (const op of list) {
    if (op.notify || op.event) {
      const target = op.notify ? list.find((o) => o.name === op.notify) ?? fail(`${op.name}: unknown notify ${op.notify}`) : op;
      add(op.value, op.name.replace(/-ntf$/, ''), 1, op, op['attribute-set'] ?? target['attribute-set']);
      continue;
    }
    const doRequest = op.do?.request?.value ?? op.value;
    for (const mode of ['do', 'dump']) {
      const sub = op[mode];
      if (!sub) continue;
      add(sub.request ? sub.request.value ?? doRequest : undefined, op.name, 0, op, op['attribute-set']);
      add(sub.reply?.value, op.name.replace(/^get/, 'new'), 2, op, op['attribute-set']);
    }
  }
  return found;
}

// One MessageSpec per type number; all operations naming a number must agree
// on its header and attribute set.
function buildMessages(families, model) {
  const byType = new Map();
  for (const m of families.flatMap((f) => collectMessages(f, model))) {
    const prev = byType.get(m.type);
    if (!prev) {
      byType.set(m.type, m);
      continue;
    }
    if (prev.header !== m.header || prev.attrs !== m.attrs) fail(`message type ${m.type} (${prev.name}, ${m.name}) has two layouts`);
    if (m.rank < prev.rank) byType.set(m.type, m);
  }
  model.messages = [...byType.values()].sort((a, b) => a.type - b.type);
  const names = new Set();
  for (const m of model.messages) {
    if (names.has(m.name)) fail(`two message types are named ${m.name}`);
    names.add(m.name);
  }
}

function buildModel() {
  const families = loadFamilies();
  const model = { families, structs: [], enums: [], sets: [], subs: [], messages: [] };
  buildDefinitions(families, model);
  model.setsByName = buildSets(families, model);
  const subs = buildSubMessages(families, model, model.setsByName);
  resolveSets(model, { sets: model.setsByName, subs });
  buildMessages(families, model);
  const linkKinds = subs.get(LINK_KIND_SUB) ?? fail(`no sub-message ${LINK_KIND_SUB}`);
  model.linkKinds = linkKinds.formats.map((f) => f.value).sort(byStrcmp);
  return model;
}

// ---------------------------------------------------------------------------
// C++ output.

// Collects static_asserts (or "not in headers" comments) and the headers the
// asserted names need.
class Checks {
  constructor(uapi) {
    this.uapi = uapi;
    this.includes = new Set();
    this.missing = [];
  }

  // `static_assert(NAME == value);` if the headers define NAME.
  constant(name, value) {
    const include = this.uapi.idents.get(name);
    if (!include) return this.absent(name);
    this.includes.add(include);
    return `static_assert(${name} == ${value});`;
  }

  struct(s) {
    if (s.cNotChecked) return [`// not checked against C: ${s.cNotChecked}`];
    const cName = cIdent(s.name);
    const c = this.uapi.structs.get(cName);
    if (!c) return [this.absent(`struct ${cName}`)];
    this.includes.add(c.include);
    const flex = STRUCT_FLEX_TAIL[s.name];
    const lines = [flex
      ? `static_assert(sizeof(struct ${cName}) + sizeof(struct ${flex[2]}) == ${s.size});  // ${flex[3]}`
      : `static_assert(sizeof(struct ${cName}) == ${s.size});`];
    const prefix = STRUCT_C_MEMBER_PREFIX[s.name] ?? '';
    // Embedded structs: their place and size as a whole (their own members
    // are checked where that struct is emitted).
    for (const g of s.groups) {
      const member = prefix + cIdent(flex && flex[0] === g.name ? flex[1] : g.name);
      if (!c.members.has(member)) {
        lines.push(this.absent(`${cName}::${member}`));
        continue;
      }
      lines.push(`static_assert(offsetof(struct ${cName}, ${member}) == ${g.offset});`);
      lines.push(flex && flex[0] === g.name ? `static_assert(sizeof(struct ${flex[2]}) == ${g.size});` : `static_assert(sizeof(${cName}::${member}) == ${g.size});`);
    }
    for (const m of s.members) {
      if (m.kind === 'Pad' || m.inGroup) continue;
      const member = prefix + cIdent(m.name);
      if (!c.members.has(member)) {
        lines.push(this.absent(`${cName}::${member}`));
        continue;
      }
      lines.push(`static_assert(offsetof(struct ${cName}, ${member}) == ${m.offset});`);
      const mismatch = MEMBER_WIDTH_MISMATCH[`${s.name}.${m.name}`];
      lines.push(mismatch ? `// width of ${cName}::${member} not checked: ${mismatch}` : `static_assert(sizeof(${cName}::${member}) == ${m.len});`);
    }
    return lines;
  }

  absent(name) {
    this.missing.push(name);
    return `// not in installed UAPI headers: ${name}`;
  }
}

const q = (s) => (s === null ? 'nullptr' : JSON.stringify(s));
const ref = (x) => (x ? `&${x.id}` : 'nullptr');
const bool = (b) => (b ? 'true' : 'false');

function emitStruct(s, checks) {
  const lines = [`// ${s.name} (${s.source})`];
  if (s.tailNote) lines.push(`// Trailing Pad: ${s.tailNote}.`);
  const fields = `${s.id}_fields`;
  if (s.members.length) {
    lines.push(`const StructField ${fields}[] = {`);
    for (const m of s.members) lines.push(`    {${q(m.camel)}, Kind::${m.kind}, ${m.offset}, ${m.len}, ${bool(m.bigEndian)}},`);
    lines.push('};');
  }
  lines.push(`const StructSpec ${s.id} = {${q(s.name)}, ${s.size}, ${s.members.length}, ${s.members.length ? fields : 'nullptr'}};`);
  lines.push(...checks.struct(s), '');
  return lines;
}

function attrInitializer(a) {
  const s = a.spec;
  const first = s.firstIndex ? `, ${s.firstIndex}` : '';
  return `{${q(a.camel)}, ${a.value}, Kind::${s.kind}, ${bool(s.bigEndian)}, ${bool(s.multi)}, Kind::${s.elem}, ` +
    `${ref(s.nested)}, ${ref(s.fixed)}, ${ref(s.sub)}, ${q(s.selector)}${first}}`;
}

function emitSet(set, checks) {
  const prefix = set.cPrefix ? `, name-prefix ${set.cPrefix}` : '';
  const lines = [`// ${set.name} (${set.source}${set.parent ? `, subset of ${set.parent.name}` : prefix})`];
  const slots = Array.from({ length: set.maxType + 1 }, (_, t) => set.real.find((a) => a.value === t) ?? null);
  lines.push(`const AttrSpec ${set.id}_by_type[] = {`);
  for (const [t, a] of slots.entries()) lines.push(a ? `    ${attrInitializer(a)},` : `    {},  // ${t}: hole`);
  lines.push('};');
  const sorted = [...set.real].sort((x, y) => byStrcmp(x.camel, y.camel));
  if (sorted.length) {
    lines.push(`const uint16_t ${set.id}_by_name[] = {`);
    for (const a of sorted) lines.push(`    ${a.value},  // ${a.camel}`);
    lines.push('};');
  }
  lines.push(`const AttrSetSpec ${set.id} = {${q(set.name)}, ${set.maxType}, ${set.id}_by_type, ${sorted.length}, ` +
    `${sorted.length ? `${set.id}_by_name` : 'nullptr'}};`);
  lines.push(...setChecks(set, checks), '');
  return lines;
}

// Attribute numbers against the C enum; subsets share their parent's
// numbers, which are checked there.
function setChecks(set, checks) {
  if (set.parent) return [];
  if (!set.cPrefix) return set.real.length ? [`// no name-prefix: numbers of ${set.name} not checked`] : [];
  return set.real.map((a) => checks.constant(cConst(set.cPrefix, a.name), a.value));
}

function emitSub(sub) {
  const lines = [`// ${sub.name}`, `const SubFormat ${sub.id}_formats[] = {`];
  for (const f of sub.formats) lines.push(`    {${q(f.value)}, ${ref(f.set)}, ${ref(f.fixed)}},  // ${f.source}`);
  lines.push('};', `const SubMessageSpec ${sub.id} = {${q(sub.name)}, ${sub.formats.length}, ${sub.id}_formats};`, '');
  return lines;
}

function emitMessages(model, checks) {
  const lines = ['// Sorted by type: find_message() searches it by bisection.', 'const MessageSpec kMessages[] = {'];
  for (const m of model.messages) {
    lines.push(`    {${m.type}, ${q(m.name)}, ${m.header ? `&gen::${m.header.id}` : 'nullptr'}, ${m.attrs ? `&gen::${m.attrs.id}` : 'nullptr'}},  // ${m.family.file}`);
  }
  lines.push('};', 'const size_t kMessageCount = sizeof(kMessages) / sizeof(kMessages[0]);');
  for (const m of model.messages) lines.push(checks.constant(cConst('rtm-', m.name), m.type));
  lines.push('');
  return lines;
}

function enumCName(e, entry) {
  const override = ENUM_C_NAME[`${e.name}/${entry.name}`];
  if (override) return override;
  return e.cPrefix ? cConst(e.cPrefix, entry.name) : null;
}

function emitEnums(model, checks) {
  const lines = ['// Entry names are camelCase (the JS spelling, as in lib/gen/rtnl.ts); enum names are', '// the spec names. Flags entries hold masks.', 'const EnumEntry kEnums[] = {'];
  for (const e of model.enums) {
    for (const entry of e.entries) lines.push(`    {${q(e.name)}, ${q(entry.camel)}, ${entry.value}},`);
  }
  lines.push('};', 'const size_t kEnumCount = sizeof(kEnums) / sizeof(kEnums[0]);', '');
  for (const e of model.enums) {
    lines.push(`// ${e.name} (${e.sources.join(', ')})`);
    const offset = ENUM_C_OFFSET[e.name] ?? 0;
    if (offset) lines.push(`// C values are the spec values + ${offset}`);
    for (const entry of e.entries) {
      const cName = enumCName(e, entry);
      lines.push(cName ? checks.constant(cName, entry.value + offset) : `// no C name known for ${e.name} ${entry.name}`);
    }
  }
  lines.push('');
  return lines;
}

function emitCpp(model, uapi) {
  const checks = new Checks(uapi);
  const body = [];
  body.push('namespace netloom::schema {', 'namespace gen {', '');
  body.push('// Every table object is declared first: sets refer to each other in cycles', '// (link-attrs → linkinfo → veth peer → link-attrs).');
  for (const s of model.structs) body.push(`extern const StructSpec ${s.id};`);
  for (const s of model.sets) body.push(`extern const AttrSetSpec ${s.id};`);
  for (const s of model.subs) body.push(`extern const SubMessageSpec ${s.id};`);
  body.push('', '// ---- structs: {name, kind, offset, len, big_endian}', '');
  for (const s of model.structs) body.push(...emitStruct(s, checks));
  body.push('// ---- attribute sets: {name, type, kind, big_endian, multi, elem, nested, fixed, sub, selector}',
    '// by_type is indexed by nla_type; holes are {} (name == nullptr), spelled so that', '// -Wmissing-field-initializers has nothing to say.', '');
  for (const s of model.sets) body.push(...emitSet(s, checks));
  body.push('// ---- sub-messages: {value, set, fixed}', '');
  for (const s of model.subs) body.push(...emitSub(s));
  body.push('}  // namespace gen', '', '// ---- messages', '');
  body.push(...emitMessages(model, checks));
  body.push('// ---- enums and flags', '');
  body.push(...emitEnums(model, checks));
  body.push('}  // namespace netloom::schema');

  // libc headers before the kernel's, as linux/libc-compat.h expects.
  const isLinux = (h) => (h.startsWith('linux/') ? 1 : 0);
  const includes = [...checks.includes].sort((a, b) => isLinux(a) - isLinux(b) || headerRank(a) - headerRank(b) || byStrcmp(a, b));
  const head = [
    `// Generated by tools/gen-rtnl.mjs from spec/rt-{link,addr,route,neigh,rule}.yaml, ${OWN_SPEC_FILES.join(', ')}`,
    `// (kernel YNL specs; the last one netloom's own) and ${EXTRAS_FILE}. Do not edit: run \`npm run gen\`.`,
    '//',
    `// ${model.messages.length} message types, ${model.sets.length} attribute sets, ${model.structs.length} structs,`,
    `// ${model.subs.length} sub-messages, ${model.enums.length} enums/flags (${model.enums.reduce((n, e) => n + e.entries.length, 0)} entries).`,
    '// Every number below that the installed UAPI headers define is static_asserted;',
    `// ${checks.missing.length} names they do not define are marked "not in installed UAPI headers".`,
    '// Included only by native/rtnl_tables.cc.',
    '',
    '#include <cstddef>',
    '#include <cstdint>',
    '',
    ...includes.map((h) => `#include <${h}>`),
    '',
    '#include "rtnl_schema.h"',
    '',
  ];
  return { text: [...head, ...body].join('\n') + '\n', missing: checks.missing };
}

// ---------------------------------------------------------------------------
// TypeScript output.

function tsKey(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`;
}

function tsIdent(name, taken) {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) fail(`${name} is not a valid TypeScript name`);
  if (taken.has(name)) fail(`two TypeScript exports are named ${name}`);
  taken.add(name);
  return name;
}

function generatedFrom(sources) {
  const specs = sources.filter((s) => s !== EXTRAS_FILE && !OWN_SPEC_FILES.includes(s));
  const own = sources.filter((s) => OWN_SPEC_FILES.includes(s));
  const parts = [];
  if (specs.length) parts.push(`the kernel YNL spec${specs.length > 1 ? 's' : ''} ${specs.join(', ')}`);
  if (own.length) parts.push(`netloom's own spec${own.length > 1 ? 's' : ''} ${own.join(', ')}`);
  if (sources.includes(EXTRAS_FILE)) parts.push(`${EXTRAS_FILE} (merged into ${EXTRAS_FAMILY})`);
  return `Generated from ${parts.join(' and ')}; do not edit.`;
}

function emitTs(model) {
  const taken = new Set();
  const out = [
    `// Generated by tools/gen-rtnl.mjs from spec/rt-{link,addr,route,neigh,rule}.yaml, ${OWN_SPEC_FILES.join(', ')}`,
    `// (kernel YNL specs; the last one netloom's own) and ${EXTRAS_FILE}. Do not edit: run \`npm run gen\`.`,
    '',
  ];
  for (const e of model.enums) {
    const what = e.type === 'flags' ? 'flags (values are bit masks)' : 'enum';
    out.push(`/** \`${e.name}\` ${what}. ${generatedFrom(e.sources)} */`);
    out.push(`export const ${tsIdent(camel(e.name), taken)} = Object.freeze({`);
    const keys = new Set();
    for (const entry of e.entries) {
      if (keys.has(entry.camel)) fail(`enum ${e.name}: two entries are named ${entry.camel}`);
      keys.add(entry.camel);
      out.push(`  ${tsKey(entry.camel)}: ${entry.value},`);
    }
    out.push('} as const);', '');
  }
  const msgSources = [...new Set(model.messages.map((m) => m.family.file))];
  out.push(`/** rtnetlink message types (RTM_*), by operation name. ${generatedFrom(msgSources)} */`);
  out.push(`export const ${tsIdent('rtm', taken)} = Object.freeze({`);
  for (const m of model.messages) out.push(`  ${tsKey(camel(m.name))}: ${m.type},`);
  out.push('} as const);', '');
  const sub = model.subs.find((s) => s.name === LINK_KIND_SUB);
  out.push(`/** Link kinds (IFLA_INFO_KIND) the codec tables describe. ${generatedFrom([...new Set(sub.formats.map((f) => f.source))])} */`);
  out.push(`export const ${tsIdent('linkKinds', taken)} = Object.freeze([`);
  for (const k of model.linkKinds) out.push(`  '${k}',`);
  out.push('] as const);', '');
  out.push('/** One of {@link linkKinds}. */', `export type ${tsIdent('LinkKind', taken)} = (typeof linkKinds)[number];`);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------

function main(argv) {
  const check = argv.includes('--check');
  const model = buildModel();
  const cpp = emitCpp(model, scanUapi());
  const outputs = [[OUT_CPP, cpp.text], [OUT_TS, emitTs(model)]];
  if (check) {
    const stale = outputs.filter(([rel, text]) => {
      const file = path.join(ROOT, rel);
      return !existsSync(file) || readFileSync(file, 'utf8') !== text;
    });
    for (const [rel] of stale) console.error(`gen-rtnl: ${rel} is out of date; run \`npm run gen\` (node tools/gen-rtnl.mjs)`);
    return stale.length ? 1 : 0;
  }
  for (const [rel, text] of outputs) {
    mkdirSync(path.dirname(path.join(ROOT, rel)), { recursive: true });
    writeFileSync(path.join(ROOT, rel), text);
  }
  console.log(`gen-rtnl: wrote ${outputs.map(([rel]) => rel).join(', ')} (${model.messages.length} messages, ` +
    `${model.sets.length} sets, ${model.structs.length} structs, ${model.enums.length} enums; ` +
    `${cpp.missing.length} names not in the installed headers)`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
}
