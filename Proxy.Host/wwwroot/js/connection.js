// The audit hub connection (the official @microsoft/signalr client, loaded as lib/signalr.min.js). Reconnects
// forever with capped backoff, and subscribes again after every (re)connect: a new connection starts with no subscriptions.

// The IAuditClient and IAuditHub member names (Proxy.Contracts), in one place.
export const ClientMethods = Object.freeze({
  AuditStarted: 'AuditStarted',
  AuditComplete: 'AuditComplete',
  AuditFailed: 'AuditFailed',
  HealthUpdate: 'HealthUpdate',
  StatsUpdate: 'StatsUpdate',
});

const HubMethods = Object.freeze({
  SubscribeToRequest: 'SubscribeToRequest',
  UnsubscribeFromRequest: 'UnsubscribeFromRequest',
  SubscribeToFeed: 'SubscribeToFeed',
});

export const HubPath = '/hubs/audit';

// Past this long without a connection the page says "disconnected" (it keeps trying).
const ReconnectingGraceMs = 30_000;

export const ConnectionState = Object.freeze({
  Connecting: 'connecting',
  Connected: 'connected',
  Reconnecting: 'reconnecting',
  Disconnected: 'disconnected',
});

function retryDelay(attempt) {
  return Math.min(10_000, 250 * 2 ** attempt) + Math.random() * 250;
}

export class AuditHubConnection {
  #connection;
  #watched = new Set();
  #onState;
  #onWatchedState;
  #lostAt = null;
  #graceTimer = 0;
  #startAttempt = 0;

  /**
   * @param handlers  { [ClientMethods.X]: (event) => void } for each event
   * @param onState   (state) => void when the connection state changes
   * @param onWatchedState (requestId, auditState | null, error?) => void after each (re)subscription to a
   *                       watched id; with an error when the server refused it (it is no longer watched)
   */
  constructor({ handlers, onState, onWatchedState }) {
    const signalR = window.signalR;
    if (!signalR) throw new Error('lib/signalr.min.js did not load; build Proxy.Host to restore it.');
    this.#onState = onState;
    this.#onWatchedState = onWatchedState;
    this.#connection = new signalR.HubConnectionBuilder()
      .withUrl(HubPath)
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context.previousRetryCount) })
      .configureLogging(signalR.LogLevel.Warning)
      .build();

    for (const [method, handler] of Object.entries(handlers)) this.#connection.on(method, handler);
    this.#connection.onreconnecting(() => this.#lost());
    this.#connection.onreconnected(() => this.#resubscribe());
    // Reached when the server closed the connection without allowing a reconnect: start over ourselves.
    this.#connection.onclose(() => {
      this.#lost();
      this.#scheduleStart();
    });
  }

  get watched() {
    return [...this.#watched];
  }

  start() {
    this.#setState(ConnectionState.Connecting);
    return this.#tryStart();
  }

  /** Watches a request id; resolves to its AuditState (null when nothing is known yet), rejects when refused. */
  async watch(requestId) {
    if (this.#connection.state !== 'Connected') {
      this.#watched.add(requestId); // subscribed once connected
      return undefined;
    }
    const state = await this.#connection.invoke(HubMethods.SubscribeToRequest, requestId);
    this.#watched.add(requestId);
    this.#onWatchedState(requestId, state);
    return state;
  }

  async unwatch(requestId) {
    this.#watched.delete(requestId);
    if (this.#connection.state === 'Connected') await this.#connection.invoke(HubMethods.UnsubscribeFromRequest, requestId);
  }

  async #tryStart() {
    try {
      await this.#connection.start();
    } catch {
      this.#lost();
      this.#scheduleStart();
      return;
    }
    this.#startAttempt = 0;
    await this.#resubscribe();
  }

  #scheduleStart() {
    setTimeout(() => {
      if (this.#connection.state === 'Disconnected') this.#tryStart();
    }, retryDelay(this.#startAttempt++));
  }

  async #resubscribe() {
    try {
      await this.#connection.invoke(HubMethods.SubscribeToFeed);
      for (const id of this.watched) await this.#resubscribeWatched(id);
    } catch {
      // A connection without its subscriptions is of no use: drop it, and onclose starts over.
      await this.#connection.stop().catch(() => {});
      return;
    }
    clearTimeout(this.#graceTimer);
    this.#lostAt = null;
    this.#setState(ConnectionState.Connected);
  }

  async #resubscribeWatched(requestId) {
    let state;
    try {
      state = await this.#connection.invoke(HubMethods.SubscribeToRequest, requestId);
    } catch (error) {
      if (this.#connection.state !== 'Connected') throw error;
      // The server refused this one id (a HubException): stop watching it, keep the connection.
      this.#watched.delete(requestId);
      this.#onWatchedState(requestId, null, error);
      return;
    }
    this.#onWatchedState(requestId, state);
  }

  #lost() {
    if (this.#lostAt === null) {
      this.#lostAt = Date.now();
      this.#graceTimer = setTimeout(() => this.#setState(ConnectionState.Disconnected), ReconnectingGraceMs);
    }
    if (Date.now() - this.#lostAt < ReconnectingGraceMs) this.#setState(ConnectionState.Reconnecting);
  }

  #setState(state) {
    this.#onState(state);
  }
}
