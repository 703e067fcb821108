// The selected audit: what the events carry (claims, evidence, timings) plus, for audits submitted from this
// page, the question, answer and context it sent. Everything is inserted as text.
import { el, formatTime, formatScore, formatMs, formatPercent } from './dom.js';
import { gradeBadge, verdictText } from './feed.js';
import { Status } from './store.js';

export class DetailView {
  #root;
  #shown = null;

  constructor(root) {
    this.#root = root;
  }

  get requestId() {
    return this.#shown?.requestId ?? null;
  }

  show(record) {
    this.#shown = record;
    this.refresh();
  }

  refresh() {
    const record = this.#shown;
    if (!record) {
      this.#root.replaceChildren(el('p', { className: 'empty', text: 'Select an audit in the feed.' }));
      return;
    }

    this.#root.replaceChildren(
      summary(record),
      ...outcome(record),
      ...texts(record),
      ...trace(record),
    );
  }
}

function summary(record) {
  const { complete, started } = record;
  const facts = [
    ['request', record.requestId],
    ['model', record.model || '–'],
    ['status', record.status],
    ['started', formatTime(started?.timestamp)],
  ];
  if (complete) {
    facts.push(
      ['trust score', formatScore(complete.trustScore)],
      ['hallucination rate', formatPercent(complete.hallucinationRate)],
      ['claims', complete.unsupportedClaims == null
        ? `${complete.supportedClaims} of ${complete.totalClaims} supported` // a history row before its detail loads
        : `${complete.supportedClaims} supported · ${complete.unsupportedClaims} unsupported · ${complete.contradictedClaims} contradicted`],
      ['audit time', formatMs(complete.processingTimeMs)],
    );
  }
  if (started) facts.push(['queued', formatMs(started.queuedMs)], ['answer size', `${started.responseSize} bytes`]);

  return el('div', { className: 'detail-summary' }, [
    el('div', { className: 'detail-title' }, [gradeBadge(record), el('span', { className: 'detail-verdict', text: verdictText(record) })]),
    el('dl', { className: 'facts' }, facts.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { text: value })])),
  ]);
}

function texts(record) {
  const local = record.local;
  if (!local) {
    return [el('p', { className: 'muted note', text: 'Question and answer are not part of the audit events; they are shown for audits submitted from this page.' })];
  }

  const blocks = [
    el('h3', { text: 'Question' }), el('p', { className: 'quote question', text: local.query }),
    el('h3', { text: 'Answer' }), el('p', { className: 'quote answer', text: local.response }),
  ];
  if (local.context.length > 0) {
    blocks.push(el('h3', { text: `Context (${local.context.length})` }),
      el('ol', { className: 'context-list' }, local.context.map((c) => el('li', { className: 'quote', text: c }))));
  }
  return blocks;
}

function outcome(record) {
  if (record.status === Status.Failed || record.status === Status.Skipped) {
    const f = record.failed;
    return [
      el('h3', { text: record.status === Status.Skipped ? 'Not audited' : 'Audit failed' }),
      el('p', { className: 'failure', text: `${f.reason}: ${f.error}` }),
    ];
  }

  if (!record.complete) return [el('p', { className: 'muted', text: 'The audit is in progress…' })];

  const c = record.complete;
  const blocks = [
    el('h3', { text: `Claims (${c.totalClaims})` }),
    c.verifications.length === 0
      ? el('p', { className: 'muted', text: 'The answer holds no checkable claim.' })
      : el('ol', { className: 'claims' }, c.verifications.map(claimItem)),
  ];

  return blocks;
}

function trace(record) {
  const c = record.complete;
  if (!c) return [];
  const blocks = [];
  const timings = Object.entries(c.stepTimings ?? {});
  if (timings.length > 0) {
    blocks.push(el('h3', { text: 'Step timings' }),
      el('dl', { className: 'facts timings' }, timings.flatMap(([step, ms]) => [el('dt', { text: step.replaceAll('_', ' ') }), el('dd', { text: formatMs(ms) })])));
  }
  if (c.reasoningTrace) {
    blocks.push(el('details', { className: 'trace' }, [el('summary', { text: 'Reasoning trace' }), el('pre', { text: c.reasoningTrace })]));
  }
  return blocks;
}

function claimItem(v) {
  const confidence = Math.max(0, Math.min(1, v.confidence ?? 0));
  const meter = el('span', { className: 'meter', attrs: { title: `confidence ${formatPercent(confidence)}` } }, [el('span', { className: 'meter-fill' })]);
  meter.firstChild.style.width = `${confidence * 100}%`;
  return el('li', { className: 'claim', dataset: { status: v.status } }, [
    el('div', { className: 'claim-head' }, [
      el('span', { className: 'claim-status', text: v.status.replaceAll('_', ' '), dataset: { status: v.status } }),
      meter,
      el('span', { className: 'claim-confidence', text: formatPercent(confidence) }),
    ]),
    el('p', { className: 'claim-text', text: v.claim }),
    v.reasoning ? el('p', { className: 'claim-reasoning muted', text: v.reasoning }) : null,
    v.evidence?.length
      ? el('ul', { className: 'evidence' }, v.evidence.map((e) => el('li', { className: 'quote', text: e })))
      : el('p', { className: 'muted evidence-none', text: 'No supporting evidence in the context.' }),
  ]);
}
