// Tiny DOM helpers. Text always goes in through textContent: audit events carry LLM text, which is untrusted.

/** Creates an element; `text` becomes its textContent, `attrs` its attributes, `children` are appended. */
export function el(tag, { className, text, attrs, dataset } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (attrs) for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (dataset) for (const [name, value] of Object.entries(dataset)) node.dataset[name] = String(value);
  for (const child of children) if (child) node.append(child);
  return node;
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node;
}

export function setText(node, text) {
  const value = text === undefined || text === null ? '' : String(text);
  if (node.textContent !== value) node.textContent = value;
}

export function formatTime(unixMs) {
  if (!unixMs) return '–';
  return new Date(unixMs).toLocaleTimeString([], { hour12: false });
}

export function formatScore(score) {
  return typeof score === 'number' ? score.toFixed(2) : '–';
}

export function formatMs(ms) {
  if (typeof ms !== 'number') return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatPercent(value) {
  return typeof value === 'number' ? `${Math.round(value * 100)}%` : '–';
}
