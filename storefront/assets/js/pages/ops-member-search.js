/**
 * 会員検索 (/ops/member-search): the members, searched with the filter 「ID連携：Amazon連携」 (L5) and
 * part of a name or e-mail address (`GET /ops/members`), and the CSV downloads with
 * 「AmazonID連携日時」 (L6): the current search, or every member, in UTF-8 or Shift_JIS. The search
 * lives in the page's address, like 受注一覧's, so back, forward and reload show the same result.
 * The downloads are plain links: a GET with the staff cookie needs no CSRF token.
 */
import { api, messageOf } from '../api.js';
import { $, dateTimeSeconds, h, showNotice } from '../dom.js';
import { requireStaff } from '../ops-console.js';

const PAGE_SIZE = 50;
const FILTERS = ['idLink', 'q'];

const notice = $('#page-notice');
const form = /** @type {HTMLFormElement} */ ($('#search-form'));
const encoding = /** @type {HTMLSelectElement} */ ($('#encoding'));

const search = new URLSearchParams(location.search);
for (const name of FILTERS) {
  const input = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(name));
  if (input !== null) input.value = search.get(name) ?? '';
}
const page = Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1);

/** The search as the page's address holds it (what the table shows), without the page number. */
function currentFilters() {
  const filters = new URLSearchParams();
  for (const name of FILTERS) {
    const value = search.get(name);
    if (value) filters.set(name, value);
  }
  return filters;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const next = new URLSearchParams();
  for (const name of FILTERS) {
    const value = /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
    if (value !== '') next.set(name, value);
  }
  location.assign(`/ops/member-search${next.size > 0 ? `?${next}` : ''}`);
});

/** L6: the export of the search shown (same filters, every page) and the bulk download, in the chosen encoding. */
function renderDownloads() {
  const exportQuery = currentFilters();
  exportQuery.set('encoding', encoding.value);
  $('#export-link').setAttribute('href', `/ops/members/export.csv?${exportQuery}`);
  $('#bulk-link').setAttribute('href', `/ops/members/bulk.csv?${new URLSearchParams({ encoding: encoding.value })}`);
}
encoding.addEventListener('change', renderDownloads);
renderDownloads();

/** @param {any} member */
function row(member) {
  return h(
    'tr',
    { 'data-member-id': member.memberId },
    h('td', {}, h('a', { href: `/ops/member/${encodeURIComponent(member.memberId)}` }, member.memberId)),
    h('td', {}, member.name),
    h('td', {}, member.email),
    h('td', {}, dateTimeSeconds(member.registeredAt)),
    h(
      'td',
      { 'data-testid': 'amazon-link' },
      member.amazonLinked ? h('span', { class: 'tag tag-amazon' }, 'Amazon連携') : '連携なし',
    ),
    h('td', {}, member.amazonLinkedAt ? dateTimeSeconds(member.amazonLinkedAt) : ''),
  );
}

/** @param {number} total */
function renderPager(total) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const link = (/** @type {HTMLElement} */ anchor, /** @type {number} */ target) => {
    const params = new URLSearchParams(location.search);
    params.set('page', String(target));
    if (target >= 1 && target <= pages) anchor.setAttribute('href', `/ops/member-search?${params}`);
    else anchor.removeAttribute('href');
    anchor.setAttribute('aria-disabled', String(target < 1 || target > pages));
  };
  link($('#prev'), page - 1);
  link($('#next'), page + 1);
  $('#page-state').textContent = `${page} / ${pages} ページ`;
  $('#pager').hidden = pages <= 1;
}

try {
  await requireStaff();
  const query = currentFilters();
  query.set('page', String(page));
  query.set('pageSize', String(PAGE_SIZE));
  const result = await api.get(`/ops/members?${query}`);
  $('#member-rows').replaceChildren(...result.members.map(row));
  $('#result-count').textContent = `${result.total.toLocaleString('ja-JP')}件`;
  $('#members').hidden = result.members.length === 0;
  if (result.members.length === 0) showNotice(notice, 'info', '条件に合う会員はいません。');
  renderPager(result.total);
} catch (error) {
  showNotice(notice, 'error', messageOf(error));
} finally {
  $('#loading').hidden = true;
}
