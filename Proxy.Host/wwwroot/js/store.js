// The audits the page knows, newest first, capped. Fed by hub events and by SubscribeToRequest states.

export const MaxAudits = 500;

export const Status = Object.freeze({
  Started: 'started',
  Complete: 'complete',
  Failed: 'failed',
  Skipped: 'skipped',
});

export class AuditStore {
  #records = new Map(); // requestId -> record, in insertion order (oldest first)
  #sequence = 0;
  #models = new Set();
  #pinned = new Set(); // watched request ids survive the cap
  #scores = []; // recent trust scores, oldest first

  /** Every record, newest first. */
  get all() {
    return [...this.#records.values()].reverse();
  }

  get size() {
    return this.#records.size;
  }

  get models() {
    return [...this.#models].sort();
  }

  get recentScores() {
    return this.#scores;
  }

  get(requestId) {
    return this.#records.get(requestId);
  }

  pin(requestId) {
    this.#pinned.add(requestId);
  }

  unpin(requestId) {
    this.#pinned.delete(requestId);
  }

  /** Question, answer and context of an audit submitted from this page (the events do not carry them). */
  noteLocal(requestId, local) {
    const record = this.#getOrCreate(requestId);
    record.local = local;
    if (local.model) this.#noteModel(record, local.model);
    return record;
  }

  started(e) {
    const record = this.#getOrCreate(e.requestId);
    record.started = e;
    this.#noteModel(record, e.model);
    if (!record.complete && !record.failed) record.status = Status.Started;
    return record;
  }

  complete(e) {
    const record = this.#getOrCreate(e.requestId);
    if (!record.complete) {
      this.#scores.push(e.trustScore);
      if (this.#scores.length > 60) this.#scores.shift();
    }
    record.complete = e;
    record.failed = null;
    record.status = Status.Complete;
    this.#noteModel(record, e.model);
    return record;
  }

  failed(e) {
    const record = this.#getOrCreate(e.requestId);
    if (record.complete) return record; // a result is final
    record.failed = e;
    record.status = e.skipped ? Status.Skipped : Status.Failed;
    return record;
  }

  /**
   * Adds stored outcomes (newest first, as { complete } or { failed } events) behind everything seen live, so
   * live rows stay on top; ids the page already knows are left as they are. Returns the ids added.
   */
  addHistory(events) {
    const live = this.#records;
    const liveScores = this.#scores;
    this.#records = new Map();
    this.#scores = [];
    const added = [];
    for (const e of [...events].reverse()) {
      const id = (e.complete ?? e.failed).requestId;
      if (live.has(id) || this.#records.has(id)) continue;
      const record = e.complete ? this.complete(e.complete) : this.failed(e.failed);
      this.#noteModel(record, e.model);
      record.fromHistory = true;
      added.push(id);
    }
    for (const [id, record] of live) this.#records.set(id, record);
    this.#scores = [...this.#scores, ...liveScores].slice(-60);
    this.#evict();
    return added;
  }

  /** Applies an AuditState from SubscribeToRequest; returns the record, or null when nothing is known yet. */
  state(s) {
    if (!s) return null;
    if (s.started) this.started(s.started);
    if (s.complete) return this.complete(s.complete);
    if (s.failed) return this.failed(s.failed);
    return this.get(s.requestId) ?? null;
  }

  /** Records that pass the filters, newest first. */
  filter({ grade, model, hallucinated }) {
    return this.all.filter((r) => {
      if (model && r.model !== model) return false;
      if (hallucinated && !r.complete?.hallucinationDetected) return false;
      if (!grade) return true;
      if (grade === 'pending') return r.status === Status.Started;
      if (grade === 'failed') return r.status === Status.Failed || r.status === Status.Skipped;
      return r.complete?.grade === grade;
    });
  }

  #getOrCreate(requestId) {
    let record = this.#records.get(requestId);
    if (!record) {
      record = {
        requestId,
        sequence: ++this.#sequence,
        firstSeen: Date.now(),
        status: Status.Started,
        model: '',
        started: null,
        complete: null,
        failed: null,
        local: null,
      };
      this.#records.set(requestId, record);
      this.#evict();
    }
    return record;
  }

  #noteModel(record, model) {
    if (!model) return;
    record.model = model;
    this.#models.add(model);
  }

  #evict() {
    if (this.#records.size <= MaxAudits) return;
    for (const [id] of this.#records) {
      if (this.#records.size <= MaxAudits) break;
      if (!this.#pinned.has(id)) this.#records.delete(id);
    }
  }
}
