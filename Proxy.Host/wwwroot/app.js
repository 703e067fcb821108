// TruthTable dashboard: wires the hub connection, the audit store and the views. Events update the store as
// they arrive; the DOM is updated once per animation frame for all of them, so a burst of hundreds of events
// costs one DOM update.
import { AuditHubConnection, ClientMethods } from './js/connection.js';
import { AuditStore } from './js/store.js';
import { FeedView, gradeBadge } from './js/feed.js';
import { DetailView } from './js/detail.js';
import { drawSparkline } from './js/sparkline.js';
import { loadRecentHistory, loadStoredDetail, summaryToEvent } from './js/history.js';
import { el, byId, setText, formatScore, formatMs } from './js/dom.js';

const store = new AuditStore();
const dirty = new Set(); // request ids changed since the last frame
let latestHealth = null;
let latestStats = null;
let filtersChanged = true;
let watchChanged = false;
let frameRequested = false;

const detail = new DetailView(byId('detail-body'));
const feed = new FeedView({
  body: byId('feed-rows'),
  empty: byId('feed-empty'),
  count: byId('feed-count'),
  onSelect: select,
});

function schedule() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(render);
}

let scoresChanged = false;

/** Applies an event (or local knowledge) to the store now; its DOM update waits for the next frame. */
function update(apply) {
  const record = apply();
  if (record) dirty.add(record.requestId);
  schedule();
  return record;
}

function render() {
  frameRequested = false;
  if (dirty.size > 0 || filtersChanged) {
    feed.render(store.filter(currentFilters()), dirty, store.size);
    refreshModelFilter();
    if (detail.requestId && dirty.has(detail.requestId)) detail.refresh();
    if ([...dirty].some((id) => watchedIds.has(id))) watchChanged = true;
  }
  if (scoresChanged) drawSparkline(byId('sparkline'), store.recentScores);
  if (latestHealth) renderHealth(latestHealth);
  if (latestStats) renderStats(latestStats);
  if (watchChanged) renderWatchList();
  dirty.clear();
  scoresChanged = false;
  filtersChanged = false;
  watchChanged = false;
  latestHealth = null;
  latestStats = null;
}

function select(requestId) {
  const record = store.get(requestId);
  if (!record) return;
  feed.select(requestId);
  detail.show(record);
  if (record.fromHistory && !record.detailLoaded) loadDetail(record);
}

/** A history row carries no claims or text: fetch the stored outcome once, then show it. */
async function loadDetail(record) {
  record.detailLoaded = true;
  const stored = await loadStoredDetail(record.requestId).catch(() => null);
  if (!stored) return;
  update(() => {
    if (stored.local) store.noteLocal(record.requestId, stored.local);
    return stored.complete ? store.complete(stored.complete) : store.failed(stored.failed);
  });
}

// ---- header ---------------------------------------------------------------------------------------------

function renderConnectionState(state) {
  const node = byId('connection-state');
  node.dataset.state = state;
  setText(node, state);
}

function renderHealth(h) {
  const health = byId('service-health');
  health.dataset.state = h.auditService;
  setText(health, h.auditService);
  const circuit = byId('circuit-state');
  circuit.dataset.state = h.circuitState;
  setText(circuit, h.circuitState.replaceAll('_', ' '));
  setText(byId('queue-depth'), `${h.queueDepth}/${h.queueCapacity}`);
  setText(byId('client-count'), h.connections);
}

function renderStats(s) {
  setText(byId('stat-total'), s.totalAudits);
  setText(byId('stat-successful'), s.successfulAudits);
  setText(byId('stat-failed'), s.failedAudits);
  setText(byId('stat-skipped'), s.skipped);
  setText(byId('stat-score'), s.successfulAudits > 0 ? formatScore(s.averageScore) : '–');
  setText(byId('stat-time'), s.successfulAudits > 0 ? formatMs(s.averageTimeMs) : '–');
}

// ---- filters --------------------------------------------------------------------------------------------

const filterForm = byId('filters');

function currentFilters() {
  const data = new FormData(filterForm);
  return { grade: data.get('grade'), model: data.get('model'), hallucinated: data.get('hallucinated') === 'on' };
}

function refreshModelFilter() {
  const select = filterForm.elements.model;
  const known = new Set([...select.options].map((o) => o.value));
  for (const model of store.models) {
    if (!known.has(model)) select.append(el('option', { text: model, attrs: { value: model } }));
  }
}

filterForm.addEventListener('change', () => {
  filtersChanged = true;
  schedule();
});
filterForm.addEventListener('submit', (event) => event.preventDefault());

// ---- watched request ids --------------------------------------------------------------------------------

const watchedIds = new Set();
const watchForm = byId('watch-form');

function watchedState(requestId, state, error) {
  if (error) {
    forgetWatched(requestId);
    setText(byId('watch-status'), `Stopped watching ${requestId}: ${error.message}`);
    return;
  }
  update(() => store.state(state));
  watchChanged = true;
}

function forgetWatched(requestId) {
  watchedIds.delete(requestId);
  store.unpin(requestId);
  watchChanged = true;
  schedule();
}

function renderWatchList() {
  const list = byId('watch-list');
  list.replaceChildren(...[...watchedIds].map((id) => {
    const record = store.get(id);
    const open = el('button', { className: 'link watch-id', text: id, attrs: { type: 'button', title: 'Show in the detail panel' } });
    open.addEventListener('click', () => select(id));
    const remove = el('button', { className: 'link', text: 'unwatch', attrs: { type: 'button' } });
    remove.addEventListener('click', async () => {
      forgetWatched(id);
      await hub.unwatch(id).catch(() => {});
    });
    return el('li', { dataset: { requestId: id, status: record?.status ?? 'unknown' } }, [
      record ? gradeBadge(record) : el('span', { className: 'grade-badge', text: '?', dataset: { grade: 'unknown' } }),
      open,
      el('span', { className: 'muted watch-status', text: record ? record.status : 'not seen yet' }),
      remove,
    ]);
  }));
}

async function watch(requestId) {
  watchedIds.add(requestId);
  store.pin(requestId);
  watchChanged = true;
  schedule();
  let state;
  try {
    state = await hub.watch(requestId);
  } catch (error) {
    forgetWatched(requestId);
    throw error;
  }
  if (state) select(requestId);
}

watchForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = watchForm.elements.requestId;
  const requestId = input.value.trim();
  if (!requestId) return;
  input.value = '';
  setText(byId('watch-status'), '');
  try {
    await watch(requestId);
  } catch (error) {
    setText(byId('watch-status'), `Could not watch ${requestId}: ${error.message}`);
  }
});

// ---- manual audit form ----------------------------------------------------------------------------------

const auditForm = byId('audit-form');

function splitContext(text) {
  return text.split(/^\s*---\s*$/m).map((d) => d.trim()).filter((d) => d.length > 0);
}

auditForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(auditForm);
  const body = {
    query: data.get('query'),
    response: data.get('response'),
    context: splitContext(data.get('context')),
  };
  const model = data.get('model').trim();
  if (model) body.model = model;

  const status = byId('audit-form-status');
  const errors = byId('audit-form-errors');
  errors.replaceChildren();
  setText(status, 'Submitting…');
  let response;
  try {
    response = await fetch('/api/audits', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    setText(status, `Could not reach the server: ${error.message}`);
    return;
  }

  const result = await response.json().catch(() => ({}));
  if (response.status === 202 && result.requestId) {
    setText(status, `Accepted as ${result.requestId}`);
    update(() => store.noteLocal(result.requestId, { ...body, model: model || '' }));
    select(result.requestId);
    return;
  }

  setText(status, result.title ?? `The server answered ${response.status}.`);
  const messages = Object.entries(result.errors ?? {}).flatMap(([field, list]) => list.map((m) => `${field}: ${m}`));
  errors.replaceChildren(...messages.map((m) => el('li', { text: m })));
});

byId('example-button').addEventListener('click', () => {
  const f = auditForm.elements;
  f.query.value = 'When was the Eiffel Tower completed, and how tall is it?';
  f.response.value = 'The Eiffel Tower was completed in 1889. It is 330 metres tall. It was designed by Leonardo da Vinci.';
  f.context.value = 'The Eiffel Tower in Paris was completed in 1889 as the entrance arch to the World\'s Fair.\n---\n'
    + 'The tower is 330 metres tall, including its antennas. It was designed by the engineering company of Gustave Eiffel.';
  f.model.value = 'example';
});

// ---- hub ------------------------------------------------------------------------------------------------

const hub = new AuditHubConnection({
  handlers: {
    [ClientMethods.AuditStarted]: (e) => update(() => store.started(e)),
    [ClientMethods.AuditComplete]: (e) => {
      update(() => store.complete(e));
      scoresChanged = true;
    },
    [ClientMethods.AuditFailed]: (e) => update(() => store.failed(e)),
    [ClientMethods.HealthUpdate]: (e) => { latestHealth = e; schedule(); },
    [ClientMethods.StatsUpdate]: (e) => { latestStats = e; schedule(); },
  },
  onState: renderConnectionState,
  onWatchedState: watchedState,
});

drawSparkline(byId('sparkline'), []);
hub.start();
// The recent past from the history store, behind whatever the hub has delivered meanwhile.
loadRecentHistory()
  .then((summaries) => {
    const events = summaries.map((s) => ({ ...summaryToEvent(s), model: s.model }));
    for (const id of store.addHistory(events)) dirty.add(id);
    filtersChanged = true;
    scoresChanged = true;
    schedule();
  })
  .catch(() => {}); // history is optional: the live feed works without it
// Deep link: /?watch=<request id> (repeatable) watches those ids from the start.
for (const id of new URLSearchParams(location.search).getAll('watch')) watch(id).catch(() => {});
