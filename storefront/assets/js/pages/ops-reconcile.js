/**
 * 照合 (/ops/reconcile): the latest reconciliation reports (`GET /ops/reconciliation`: when, by the
 * hourly Schedule or by staff, how many orders and Amazon charges/refunds were read back, how long
 * it took, how many mismatches) and the mismatches of the selected report (`?run=` in the address,
 * else the newest), each linked to its 受注詳細. A report only records what differed; nothing is
 * changed by it, so the page says what the read model and Amazon each hold and leaves the action to
 * staff. An operator may start a run now (`POST /ops/reconciliation/run` with the CSRF token); a run
 * may take minutes, so the page polls the status URL it answers until the run has completed (its
 * report is shown) or failed (Temporal's reason, as the API words it).
 */
import { api, messageOf } from '../api.js';
import { $, dateTime, h, number, param, showNotice, yen } from '../dom.js';
import { requireStaff } from '../ops-console.js';

/** How often a running run's status is read. */
const POLL_MS = 1_000;
/** The report ids of the runs staff start (api/ops/reconciliation.ts); the Schedule's are its workflow ids. */
const MANUAL_PREFIX = 'reconciliation:manual:';

/** What activities/reconciliation.ts compares, in staff words. */
const FIELD_LABELS = {
  state: '状態',
  chargeAmount: 'オーソリ額',
  capturedAmount: '売上額',
  refundAmount: '返金額',
  exists: '存在',
};
const AMOUNT_FIELDS = new Set(['chargeAmount', 'capturedAmount', 'refundAmount']);

const notice = $('#page-notice');
const runState = $('#run-state');

/**
 * @typedef {{ orderId: string, object: string, field: string, readModel: unknown, amazon: unknown }} Mismatch
 * @typedef {{ runId: string, startedAt: string, finishedAt: string, ordersChecked: number,
 *   objectsChecked: number, mismatches: Mismatch[] }} Report
 */

/** @type {Report[]} */
let reports = [];
/** @type {string | null} */
let selected = param('run');

const kindOf = (/** @type {string} */ runId) => (runId.startsWith(MANUAL_PREFIX) ? '手動' : '定期');

/** Amazon's ids end in C… for a charge and R… for a refund (`S01-1234567-1234567-R000001`). */
function objectKind(/** @type {string} */ id) {
  if (/-R\d+$/.test(id)) return '返金';
  if (/-C\d+$/.test(id)) return 'チャージ';
  return '';
}

/** @param {string} field @param {unknown} value */
function valueText(field, value) {
  if (field === 'exists') return value === true ? 'あり' : 'なし';
  if (AMOUNT_FIELDS.has(field) && typeof value === 'number') return yen(value);
  if (value === null || value === undefined || value === '') return '—';
  return String(value);
}

/** @param {string} startedAt @param {string} finishedAt */
function duration(startedAt, finishedAt) {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}秒`;
  const seconds = Math.round(ms / 1_000);
  return `${Math.floor(seconds / 60)}分${seconds % 60}秒`;
}

function outcome(/** @type {Report} */ report) {
  const count = report.mismatches.length;
  return count === 0
    ? h('span', { class: 'tag' }, '一致')
    : h('span', { class: 'tag tag-warn' }, `不一致 ${number(count)}件`);
}

/** Shows `runId`'s mismatches, marks its row, and keeps the choice in the address. */
function select(/** @type {string} */ runId) {
  selected = runId;
  const params = new URLSearchParams(location.search);
  params.set('run', runId);
  history.replaceState(null, '', `/ops/reconcile?${params}`);
  render();
}

function runRow(/** @type {Report} */ report) {
  const isSelected = report.runId === selected;
  const show = h(
    'a',
    { href: `/ops/reconcile?run=${encodeURIComponent(report.runId)}`, 'aria-current': isSelected ? 'true' : false },
    report.mismatches.length > 0 ? '不一致を見る' : '詳細',
  );
  show.addEventListener('click', (event) => {
    event.preventDefault();
    select(report.runId);
  });
  return h(
    'tr',
    { 'data-run-id': report.runId, class: isSelected ? 'selected' : false },
    h('td', {}, dateTime(report.startedAt)),
    h('td', { 'data-testid': 'run-kind' }, kindOf(report.runId)),
    h('td', { class: 'num' }, number(report.ordersChecked)),
    h('td', { class: 'num' }, number(report.objectsChecked)),
    h('td', { class: 'num' }, duration(report.startedAt, report.finishedAt)),
    h('td', { 'data-testid': 'run-outcome' }, outcome(report)),
    h('td', {}, show),
  );
}

function mismatchRow(/** @type {Mismatch} */ mismatch) {
  const kind = objectKind(mismatch.object);
  return h(
    'tr',
    { 'data-order-id': mismatch.orderId },
    h('td', {}, h('a', { href: `/ops/order/${encodeURIComponent(mismatch.orderId)}` }, mismatch.orderId)),
    h('td', {}, kind && `${kind} `, h('code', {}, mismatch.object)),
    h('td', { 'data-testid': 'mismatch-field' }, FIELD_LABELS[mismatch.field] ?? mismatch.field),
    h('td', { 'data-testid': 'mismatch-read-model' }, valueText(mismatch.field, mismatch.readModel)),
    h('td', { 'data-testid': 'mismatch-amazon' }, valueText(mismatch.field, mismatch.amazon)),
  );
}

function render() {
  $('#run-rows').replaceChildren(...reports.map(runRow));
  $('#runs').hidden = reports.length === 0;
  $('#no-runs').hidden = reports.length > 0;

  const report = reports.find((candidate) => candidate.runId === selected) ?? reports[0];
  $('#mismatches').hidden = report === undefined;
  if (report === undefined) return;
  $('#mismatches-run').textContent = `（${dateTime(report.startedAt)} 開始、${kindOf(report.runId)}）`;
  $('#mismatch-rows').replaceChildren(...report.mismatches.map(mismatchRow));
  $('#mismatch-table').hidden = report.mismatches.length === 0;
  $('#no-mismatches').hidden = report.mismatches.length > 0;
}

async function loadReports() {
  /** @type {{ reports: Report[] }} */
  const result = await api.get('/ops/reconciliation');
  reports = result.reports;
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a run (or joins the one already going), polls its status until it has ended, then shows its
 * report or why it failed.
 * @param {import('../ops-console.js').StaffSession} session
 */
async function runNow(session) {
  const button = /** @type {HTMLButtonElement} */ ($('#run-button'));
  button.disabled = true;
  showNotice(runState, 'info', '実行中…');
  try {
    /** @type {{ runId: string, statusUrl: string }} */
    const started = await api.post('/ops/reconciliation/run', {}, { 'x-csrf-token': session.csrfToken });
    let status = await api.get(started.statusUrl);
    while (status.status === 'running') {
      showNotice(runState, 'info', '実行中…', h('p', { class: 'muted' }, `${dateTime(status.startedAt)} 開始`));
      await sleep(POLL_MS);
      status = await api.get(started.statusUrl);
    }
    if (status.status !== 'completed') {
      showNotice(runState, 'error', status.message);
      return;
    }
    /** @type {Report} */
    const report = status.report;
    await loadReports();
    // The status URL has the report even if the list were read before the run's row was visible.
    if (!reports.some((candidate) => candidate.runId === report.runId)) reports.unshift(report);
    select(report.runId);
    showNotice(
      runState,
      report.mismatches.length === 0 ? 'success' : 'info',
      `照合が完了しました。不一致 ${number(report.mismatches.length)}件（照合した注文 ${number(report.ordersChecked)}件）。`,
    );
  } catch (error) {
    showNotice(runState, 'error', messageOf(error));
  } finally {
    button.disabled = false;
  }
}

try {
  const session = await requireStaff();
  if (session.staff.role === 'operator') {
    $('#run-now').hidden = false;
    $('#run-button').addEventListener('click', () => void runNow(session));
  } else {
    $('#viewer-note').hidden = false;
  }
  await loadReports();
  render();
} catch (error) {
  showNotice(notice, 'error', messageOf(error));
} finally {
  $('#loading').hidden = true;
}
