// The feed table. Rows are created once per audit and updated in place; a frame's new audits are prepended in
// one fragment, so hundreds of events a second cost one small DOM update per animation frame.
import { el, setText, formatTime, formatScore, formatMs } from './dom.js';
import { Status } from './store.js';

const Columns = ['time', 'request', 'model', 'trust', 'grade', 'verdict', 'claims', 'latency'];

export class FeedView {
  #body;
  #empty;
  #count;
  #rows = new Map(); // requestId -> <tr>
  #shown = []; // request ids in display order
  #selected = null;

  constructor({ body, empty, count, onSelect }) {
    this.#body = body;
    this.#empty = empty;
    this.#count = count;
    body.addEventListener('click', (event) => {
      const row = event.target.closest('tr[data-request-id]');
      if (row) onSelect(row.dataset.requestId);
    });
    body.addEventListener('keydown', (event) => {
      const row = event.target.closest('tr[data-request-id]');
      if (row && (event.key === 'Enter' || event.key === ' ')) {
        event.preventDefault();
        onSelect(row.dataset.requestId);
      }
    });
  }

  select(requestId) {
    this.#rows.get(this.#selected)?.classList.remove('selected');
    this.#selected = requestId;
    this.#rows.get(requestId)?.classList.add('selected');
  }

  /** Shows `visible` (records, newest first); only rows of `dirty` request ids are rewritten. */
  render(visible, dirty, total) {
    for (const record of visible) {
      const row = this.#rows.get(record.requestId);
      if (!row) this.#rows.set(record.requestId, this.#createRow(record));
      else if (dirty.has(record.requestId)) this.#fill(row, record);
    }

    const ids = visible.map((r) => r.requestId);
    const prefix = this.#newPrefixLength(ids);
    if (prefix >= 0) {
      // Common case: new audits on top, perhaps the oldest gone from the bottom.
      const fragment = document.createDocumentFragment();
      for (const id of ids.slice(0, prefix)) fragment.append(this.#rows.get(id));
      this.#body.prepend(fragment);
      for (const id of this.#shown.slice(ids.length - prefix)) this.#rows.get(id)?.remove();
    } else {
      this.#body.replaceChildren(...ids.map((id) => this.#rows.get(id)));
    }

    this.#shown = ids;
    const keep = new Set(ids);
    for (const id of this.#rows.keys()) if (!keep.has(id) && id !== this.#selected) this.#rows.delete(id);

    this.#empty.hidden = ids.length > 0;
    setText(this.#count, ids.length === total ? `${total} audits` : `${ids.length} of ${total} audits`);
  }

  // How many ids were added on top, when the rest is the previous list (possibly cut at the end); else -1.
  #newPrefixLength(ids) {
    if (this.#shown.length === 0) return ids.length;
    const k = ids.indexOf(this.#shown[0]);
    if (k < 0) return -1;
    for (let i = k; i < ids.length; i++) if (ids[i] !== this.#shown[i - k]) return -1;
    return k;
  }

  #createRow(record) {
    const row = el('tr', { attrs: { tabindex: 0 }, dataset: { requestId: record.requestId } },
      Columns.map((c) => el('td', { className: `col-${c}` })));
    if (record.requestId === this.#selected) row.classList.add('selected');
    this.#fill(row, record);
    return row;
  }

  #fill(row, record) {
    const [time, request, model, trust, grade, verdict, claims, latency] = row.cells;
    const { complete, failed, started } = record;
    row.dataset.status = record.status;
    setText(time, formatTime(started?.timestamp ?? complete?.timestamp ?? failed?.timestamp ?? record.firstSeen));
    setText(request, record.requestId);
    request.title = record.requestId;
    setText(model, record.model || '–');
    setText(trust, complete ? formatScore(complete.trustScore) : '–');
    grade.replaceChildren(gradeBadge(record));
    setText(verdict, verdictText(record));
    verdict.title = failed ? failed.error : '';
    setText(claims, complete ? `${complete.supportedClaims}/${complete.totalClaims}` : '–');
    setText(latency, complete ? formatMs(complete.processingTimeMs) : '–');
  }
}

/** The coloured grade badge; "…" while in progress, "×" when failed, "–" when skipped. */
export function gradeBadge(record) {
  const grade = record.complete?.grade;
  const label = grade ?? { [Status.Started]: '…', [Status.Failed]: '×', [Status.Skipped]: '–' }[record.status];
  return el('span', {
    className: 'grade-badge',
    text: label,
    dataset: { grade: grade ?? record.status },
    attrs: { title: grade ? `grade ${grade}` : record.status },
  });
}

export function verdictText(record) {
  switch (record.status) {
    case Status.Complete: return record.complete.verdict.replaceAll('_', ' ');
    case Status.Failed: return `failed: ${record.failed.reason}`;
    case Status.Skipped: return `skipped: ${record.failed.reason}`;
    default: return 'auditing…';
  }
}
