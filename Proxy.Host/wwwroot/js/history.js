// Stored history (GET /api/audits), turned into the events the store already understands, so the page opens
// with the recent past and then follows live. A list row carries no claims or text; the full outcome
// (GET /api/audits/{id}) is fetched when such a row is selected.

export const HistoryRows = 200;

/** The newest stored outcomes, newest first; an empty list when history is unavailable. */
export async function loadRecentHistory(limit = HistoryRows) {
  const response = await fetch(`/api/audits?limit=${limit}`, { headers: { Accept: 'application/json' } });
  if (!response.ok) return [];
  const page = await response.json();
  return page.items ?? [];
}

/** One summary row as the event it ended with: { complete } or { failed }. */
export function summaryToEvent(s) {
  if (s.outcome === 'complete') {
    return {
      complete: {
        requestId: s.requestId, auditId: '', model: s.model, trustScore: s.trustScore ?? 0,
        hallucinationRate: null, grade: s.grade ?? '–', verdict: s.verdict ?? 'faithful',
        hallucinationDetected: !!s.hallucinationDetected, totalClaims: s.totalClaims ?? 0,
        supportedClaims: s.supportedClaims ?? 0, unsupportedClaims: null, contradictedClaims: null,
        verifications: [], reasoningTrace: '', stepTimings: {}, processingTimeMs: s.auditMs ?? 0, timestamp: s.timestamp,
      },
    };
  }
  return {
    failed: {
      requestId: s.requestId, reason: s.reason ?? s.outcome, error: '', skipped: s.outcome === 'skipped', timestamp: s.timestamp,
    },
  };
}

/** The full stored outcome of one request as events plus its text, or null when none is stored. */
export async function loadStoredDetail(requestId) {
  const response = await fetch(`/api/audits/${encodeURIComponent(requestId)}`, { headers: { Accept: 'application/json' } });
  if (!response.ok) return null;
  const r = await response.json();
  const local = r.question == null && r.answer == null ? null : {
    query: r.question ?? '', response: r.answer ?? '', context: (r.context ?? []).map((c) => c.content), model: r.model,
  };
  if (r.outcome !== 'complete') {
    return { failed: { requestId, reason: r.reason ?? r.outcome, error: r.error ?? '', skipped: r.outcome === 'skipped', timestamp: r.finishedAt }, local };
  }
  return {
    local,
    complete: {
      requestId, auditId: r.auditId ?? '', model: r.model, trustScore: r.trustScore ?? 0,
      hallucinationRate: r.hallucinationRate ?? 0, grade: r.grade ?? '–', verdict: r.verdict ?? '',
      hallucinationDetected: !!r.hallucinationDetected, totalClaims: r.totalClaims ?? 0,
      supportedClaims: r.supportedClaims ?? 0, unsupportedClaims: r.unsupportedClaims ?? 0,
      contradictedClaims: r.contradictedClaims ?? 0,
      verifications: (r.claims ?? []).map((c) => ({
        claim: c.claim ?? '(claim text not stored)', status: c.status, supported: c.supported, confidence: c.confidence,
        evidence: c.evidence ?? [], reasoning: c.reasoning ?? '',
      })),
      reasoningTrace: r.reasoningTrace ?? '', stepTimings: r.stepTimings ?? {}, processingTimeMs: r.engineMs ?? r.auditMs ?? 0,
      timestamp: r.finishedAt,
    },
  };
}
