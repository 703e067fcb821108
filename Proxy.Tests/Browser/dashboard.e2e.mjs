// Drives Debian's headless Chromium through the dashboard. Started by DashboardBrowserTests (xunit), which owns
// the TruthTable host: this script asks it for host-side steps over stdout ({"op": ...}) and reads each reply
// from stdin. It ends with one {"result": "pass" | "fail"} line and exit code 0 or 1.
//
//   node dashboard.e2e.mjs <base url> <screenshot path>
import { chromium } from 'playwright-core';
import readline from 'node:readline';
import os from 'node:os';
import path from 'node:path';

const [baseUrl, screenshotPath] = process.argv.slice(2);
if (!baseUrl || !screenshotPath) {
  console.error('usage: node dashboard.e2e.mjs <base url> <screenshot path>');
  process.exit(2);
}

const ChromiumPath = '/usr/bin/chromium';
const ChromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];
const Xss = '<img src=x onerror=alert(1)>';

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const log = (text) => send({ log: text });
const replies = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** Asks the xunit host to do something (proxy a request, stop or start the server) and awaits its reply. */
async function host(op, args = {}) {
  send({ op, ...args });
  const { value, done } = await replies.next();
  if (done) throw new Error(`the host closed stdin while doing '${op}'`);
  const reply = JSON.parse(value);
  if (reply.error) throw new Error(`the host could not do '${op}': ${reply.error}`);
  return reply;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const checks = [];
function passed(name) {
  checks.push(name);
  log(`ok - ${name}`);
}

/** Fills and submits the page's audit form; returns the request id the API accepted it as. */
async function submitAudit(page, { query, response, context, model }) {
  await page.fill('#audit-form [name=query]', query);
  await page.fill('#audit-form [name=response]', response);
  await page.fill('#audit-form [name=context]', context.join('\n---\n'));
  await page.fill('#audit-form [name=model]', model);
  await page.click('#audit-form button[type=submit]');
  const status = page.locator('#audit-form-status', { hasText: 'Accepted as ' });
  await status.waitFor();
  const text = await status.textContent();
  return text.replace('Accepted as ', '').trim();
}

/** Waits for the feed row of an audit to reach its final state and returns its locator. */
async function finalRow(page, requestId) {
  const row = page.locator(`#feed-rows tr[data-request-id="${requestId}"]`);
  await row.waitFor();
  await page.locator(`#feed-rows tr[data-request-id="${requestId}"]:not([data-status="started"])`).waitFor();
  const status = await row.getAttribute('data-status');
  if (status !== 'complete') {
    const verdict = await row.locator('.col-verdict').textContent();
    throw new Error(`audit ${requestId} ended as ${status} (${verdict}), not complete`);
  }
  return row;
}

async function expectGradeBadge(row, requestId) {
  const badge = row.locator('.grade-badge');
  const grade = (await badge.textContent()).trim();
  check(/^[ABCDF]$/.test(grade), `row ${requestId} shows grade '${grade}'`);
  check((await badge.getAttribute('data-grade')) === grade, `badge of ${requestId} is not styled as grade ${grade}`);
  const colour = await badge.evaluate((b) => getComputedStyle(b).backgroundColor);
  check(colour !== 'rgb(141, 150, 171)', `grade badge of ${requestId} kept the pending colour`);
  return grade;
}

async function expectClaimDetail(page, requestId) {
  await page.click(`#feed-rows tr[data-request-id="${requestId}"]`);
  await page.locator('#detail-body .facts dd', { hasText: requestId }).waitFor();
  const claims = page.locator('#detail-body .claim');
  await claims.first().waitFor();
  const statuses = await claims.locator('.claim-status').allTextContents();
  check(statuses.length > 0 && statuses.every((s) => s.trim().length > 0), `claims of ${requestId} have no status`);
  check(await claims.first().locator('.claim-confidence').textContent() !== '', 'claim confidence missing');
  return statuses;
}

async function run(browser) {
  const dialogs = [];
  const pageErrors = [];
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const openPage = async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  };
  const page = await openPage();

  await page.goto(`${baseUrl}/`);
  await page.locator('#connection-state[data-state="connected"]').waitFor();
  passed('dashboard served at / and connected to the hub');

  await page.locator('#service-health[data-state="healthy"]').waitFor();
  await page.locator('#stat-total').waitFor();
  passed('header shows audit-service health from HealthUpdate');

  // A faithful direct audit, through the page's own form.
  const faithfulId = await submitAudit(page, {
    query: 'When was the Eiffel Tower completed?',
    response: 'The Eiffel Tower was completed in 1889. It is 330 metres tall.',
    context: ['The Eiffel Tower in Paris was completed in 1889.', 'The tower is 330 metres tall, including its antennas.'],
    model: 'form-model',
  });
  const faithfulRow = await finalRow(page, faithfulId);
  const faithfulGrade = await expectGradeBadge(faithfulRow, faithfulId);
  check((await faithfulRow.locator('.col-model').textContent()) === 'form-model', 'model column of the direct audit');
  check(/^\d+\/\d+$/.test(await faithfulRow.locator('.col-claims').textContent()), 'claims column is not supported/total');
  const faithfulClaims = await expectClaimDetail(page, faithfulId);
  await page.locator('#detail-body .question', { hasText: 'When was the Eiffel Tower completed?' }).waitFor();
  check(await page.locator('#detail-body .evidence li').count() > 0, 'supported claims show their evidence');
  passed(`direct audit from the form: row, grade ${faithfulGrade} badge, ${faithfulClaims.length} claims with evidence`);

  // An answer carrying markup: it must show as text, create no element and run nothing.
  const xssId = await submitAudit(page, {
    query: 'How tall is the Eiffel Tower?',
    response: `The Eiffel Tower is 330 metres tall. It was painted gold by Napoleon. ${Xss}`,
    context: ['The tower is 330 metres tall, including its antennas.'],
    model: 'form-model',
  });
  await finalRow(page, xssId);
  await expectClaimDetail(page, xssId);
  const answer = await page.locator('#detail-body .answer').textContent();
  check(answer.includes(Xss), `the answer is not shown as literal text: ${answer}`);
  check(await page.locator('img').count() === 0, 'an <img> element was created from LLM text');
  check(dialogs.length === 0, `a dialog opened: ${dialogs.join(', ')}`);
  passed('an answer containing <img src=x onerror=alert(1)> renders as text');

  // Partly supported: some claims have evidence, one does not.
  const partialId = await submitAudit(page, {
    query: 'Tell me about the Eiffel Tower.',
    response: 'The Eiffel Tower was completed in 1889. It is 330 metres tall. It was designed by Leonardo da Vinci.',
    context: ['The Eiffel Tower in Paris was completed in 1889.', 'The Eiffel Tower is 330 metres tall, including its antennas.'],
    model: 'form-model',
  });
  await expectGradeBadge(await finalRow(page, partialId), partialId);

  // A proxied chat completion, sent by the host through the proxy to the fake upstream.
  const proxied = await host('proxy', {
    question: 'What is the capital of the Netherlands?',
    context: 'Amsterdam is the capital of the Netherlands. Its seat of government is The Hague.',
    answer: 'Amsterdam is the capital of the Netherlands.',
  });
  const proxiedRow = await finalRow(page, proxied.requestId);
  const proxiedGrade = await expectGradeBadge(proxiedRow, proxied.requestId);
  check((await proxiedRow.locator('.col-model').textContent()) === proxied.model, 'model column of the proxied request');
  await expectClaimDetail(page, proxied.requestId);
  passed(`proxied request: row, grade ${proxiedGrade} badge and claim detail`);

  // An upstream error is proxied but not audited: the row ends as skipped, with its reason.
  const failedUpstream = await host('proxy', {
    question: 'What is the capital of France?', context: 'Paris is the capital of France.', answer: 'Paris.', status: 500,
  });
  const skippedRow = page.locator(`#feed-rows tr[data-request-id="${failedUpstream.requestId}"][data-status="skipped"]`);
  await skippedRow.waitFor();
  check((await skippedRow.locator('.col-verdict').textContent()).includes('upstream_status'), 'skip reason not shown');
  passed('a skipped exchange shows as skipped with its reason');

  // Filters: "hallucinated only" keeps the audit with an unsupported claim and hides the faithful one.
  await page.check('#filters [name=hallucinated]');
  await page.locator(`#feed-rows tr[data-request-id="${faithfulId}"]`).waitFor({ state: 'detached' });
  check(await page.locator(`#feed-rows tr[data-request-id="${xssId}"]`).count() === 1, 'hallucinated audit hidden by its own filter');
  await page.uncheck('#filters [name=hallucinated]');
  await page.locator(`#feed-rows tr[data-request-id="${faithfulId}"]`).waitFor();
  passed('"hallucinated only" filter');

  // The screenshot shows a mixed audit: supported claims with evidence next to an unsupported one.
  await page.click(`#feed-rows tr[data-request-id="${partialId}"]`);
  await page.locator('#detail-body .claim').first().waitFor();
  await page.locator('#sparkline polyline').waitFor({ state: 'attached' });
  await page.screenshot({ path: screenshotPath });
  passed(`screenshot saved to ${screenshotPath}`);

  // A second page opened after the audits ended: it loads them from history, with detail fetched on selection.
  const late = await openPage();
  await late.goto(`${baseUrl}/`);
  await late.locator('#connection-state[data-state="connected"]').waitFor();
  const historyRow = late.locator(`#feed-rows tr[data-request-id="${faithfulId}"][data-status="complete"]`);
  await historyRow.waitFor();
  check((await historyRow.locator('.col-model').textContent()) === 'form-model', 'history row lost its model');
  await expectGradeBadge(historyRow, faithfulId);
  await late.click(`#feed-rows tr[data-request-id="${faithfulId}"]`);
  await late.locator('#detail-body .question', { hasText: 'When was the Eiffel Tower completed?' }).waitFor();
  await late.locator('#detail-body .claim').first().waitFor();
  check(await late.locator(`#feed-rows tr[data-request-id="${failedUpstream.requestId}"][data-status="skipped"]`).count() === 1,
    'a skipped exchange is missing from history');
  passed('a page opened later loads recent audits from history, with stored claims and text on selection');

  // Watching its id shows the final state from SubscribeToRequest.
  await late.fill('#watch-form [name=requestId]', faithfulId);
  await late.click('#watch-form button[type=submit]');
  await late.locator(`#watch-list li[data-request-id="${faithfulId}"][data-status="complete"]`).waitFor();
  await finalRow(late, faithfulId);
  await late.locator('#detail-body .claim').first().waitFor();
  passed('watching a finished request id shows its final state');

  // A page on Playwright's fake clock (it runs at real speed until fast-forwarded), to see the 30 s grace pass.
  const clocked = await openPage();
  await clocked.clock.install();
  await clocked.goto(`${baseUrl}/`);
  await clocked.locator('#connection-state[data-state="connected"]').waitFor();

  // Drop the connection: stop the host, see "reconnecting", start it on the same port, see it recover.
  const reconnecting = page.locator('#connection-state[data-state="reconnecting"]').waitFor();
  const stopped = await host('stop');
  log(`host stopped in ${stopped.stoppedInMs} ms`);
  // A client reconnecting during shutdown once held the host for its whole 30 s shutdown timeout.
  check(stopped.stoppedInMs < 15_000, `the host took ${stopped.stoppedInMs} ms to stop with dashboards connected`);
  await reconnecting;
  passed('page shows reconnecting while the host is down');
  await clocked.locator('#connection-state[data-state="reconnecting"]').waitFor();
  await clocked.clock.fastForward(25_000);
  check(await clocked.locator('#connection-state').getAttribute('data-state') === 'reconnecting',
    'the page said disconnected before its 30 s grace was over');
  await clocked.clock.fastForward(6_000);
  await clocked.locator('#connection-state[data-state="disconnected"]').waitFor();
  passed('page says disconnected once the host has been gone past the 30 s grace, and keeps trying');
  await host('start');
  await page.locator('#connection-state[data-state="connected"]').waitFor({ timeout: 30_000 });
  await late.locator('#connection-state[data-state="connected"]').waitFor({ timeout: 30_000 });
  await clocked.locator('#connection-state[data-state="connected"]').waitFor({ timeout: 30_000 });
  await clocked.close();
  passed('pages reconnect when the host is back, the disconnected one too');

  const afterId = await submitAudit(page, {
    query: 'When was the Eiffel Tower completed?',
    response: 'The Eiffel Tower was completed in 1889.',
    context: ['The Eiffel Tower in Paris was completed in 1889.'],
    model: 'after-restart',
  });
  await expectGradeBadge(await finalRow(page, afterId), afterId);
  const proxiedAfter = await host('proxy', {
    question: 'What is the capital of the Netherlands?',
    context: 'Amsterdam is the capital of the Netherlands.',
    answer: 'Amsterdam is the capital of the Netherlands.',
  });
  await finalRow(page, proxiedAfter.requestId);
  passed('after reconnecting the feed keeps receiving (re-subscribed)');

  // A burst larger than the cap: the page keeps the newest 500, newest first.
  const burst = await host('burst', { count: 600 });
  await page.locator(`#feed-rows tr[data-request-id="${burst.last}"][data-status="complete"]`).waitFor();
  await page.locator('#feed-count', { hasText: /^500 audits$/ }).waitFor();
  check(await page.locator('#feed-rows tr').count() === 500, 'the feed is not capped at 500 rows');
  check(await page.locator('#feed-rows tr').first().getAttribute('data-request-id') === burst.last, 'the newest audit is not on top');
  passed(`a burst of ${burst.count} audits is shown capped at 500, newest first`);

  check(dialogs.length === 0, `a dialog opened: ${dialogs.join(', ')}`);
  check(pageErrors.length === 0, `uncaught page errors: ${pageErrors.join(' | ')}`);
  await context.close();
}

let browser;
let page;
try {
  browser = await chromium.launch({ executablePath: ChromiumPath, args: ChromiumArgs, headless: true });
  await run(browser);
  send({ result: 'pass', checks });
  process.exitCode = 0;
} catch (error) {
  let failureShot = null;
  try {
    page = browser?.contexts()[0]?.pages()[0];
    if (page) {
      failureShot = path.join(os.tmpdir(), `truthtable-dashboard-failure-${process.pid}.png`);
      await page.screenshot({ path: failureShot });
    }
  } catch {
    failureShot = null;
  }
  send({ result: 'fail', error: String(error?.stack ?? error), checks, failureScreenshot: failureShot });
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  replies.return?.();
  process.stdin.destroy();
}
