// Checks an SVG as a reader of it would: a well-formed XML document (every
// element closed in order, one <svg> root) whose <text> elements carry every
// line of every node's label and every namespace's box label.

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#45;/g, '-').replace(/&amp;/g, '&');

/** The problems with `svg` as XML, as strings (none when it is well formed), and its text elements. */
export function parseSvg(svg) {
  const problems = [];
  const texts = [];
  const stack = [];
  let roots = 0;
  // Comments, the XML declaration and the doctype carry no elements.
  const body = svg.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '').replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/, '');
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<|([^<]+)/g;
  let m;
  let textOpen = -1;
  while ((m = tag.exec(body)) !== null) {
    if (m[0] === '<') {
      problems.push(`a '<' that opens no well-formed tag at offset ${m.index}`);
      continue;
    }
    if (m[5] !== undefined) {
      if (textOpen >= 0 && stack.length - 1 === textOpen) texts.push(unescape(m[5]));
      else if (stack.length === 0 && m[5].trim() !== '') problems.push('text outside the root element');
      continue;
    }
    const [, close, name, , selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      if (textOpen === stack.length) textOpen = -1;
    } else {
      if (stack.length === 0) roots++;
      if (!selfClose) {
        if (name === 'text') textOpen = stack.length;
        stack.push(name);
      }
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  if (!/^\s*(<\?xml[\s\S]*?\?>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[\s\S]*?>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/.test(svg)) problems.push('the root is not <svg>');
  return { problems, texts };
}

/** Asserts `svg` is well-formed and shows every label of `graph` (a TopologyGraph). */
export function checkSvg(t, svg, graph) {
  const { problems, texts } = parseSvg(svg);
  t.same(problems, [], 'the SVG is well-formed XML with an <svg> root');
  const shown = new Set(texts.map((s) => s.trim()));
  const wanted = [...graph.nodes.flatMap((n) => [n.name, n.kind, ...n.addresses].filter((s) => s !== '')), ...graph.namespaces.map((n) => n.label)];
  const missing = wanted.filter((w) => !shown.has(w));
  t.same(missing, [], `every one of the ${wanted.length} label lines is a <text> of the SVG`);
}
