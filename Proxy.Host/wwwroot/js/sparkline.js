// A small inline-SVG trend of recent trust scores (0 at the bottom, 1 at the top), with the grade bands.
const SvgNs = 'http://www.w3.org/2000/svg';
const Width = 160;
const Height = 32;

function svg(tag, attrs) {
  const node = document.createElementNS(SvgNs, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

const y = (score) => (Height - 2) - score * (Height - 4);

export function drawSparkline(root, scores) {
  const children = [
    svg('line', { class: 'band', x1: 0, x2: Width, y1: y(0.9), y2: y(0.9) }),
    svg('line', { class: 'band', x1: 0, x2: Width, y1: y(0.6), y2: y(0.6) }),
  ];
  if (scores.length > 0) {
    const step = scores.length > 1 ? Width / (scores.length - 1) : 0;
    const points = scores.map((s, i) => `${(i * step).toFixed(1)},${y(s).toFixed(1)}`);
    children.push(svg('polyline', { class: 'trend-line', points: points.join(' ') }));
    const last = scores[scores.length - 1];
    children.push(svg('circle', { class: 'trend-last', cx: ((scores.length - 1) * step).toFixed(1), cy: y(last).toFixed(1), r: 2.5 }));
    root.setAttribute('aria-label', `Recent trust scores, latest ${last.toFixed(2)}`);
  }
  root.replaceChildren(...children);
}
