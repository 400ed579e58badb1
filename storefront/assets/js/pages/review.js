/**
 * The Amazon Pay order-procedure screen (C2–C7). Back from Amazon with a checkout session: hand it to
 * the order (amazon-return), show buyer, address and payment method, collect the procedure form,
 * recalculate totals, and 「注文確定」 → Amazon's amount-confirmation page.
 */
import { api, ApiError, messageOf } from '../api.js';
import { orderTokenFor } from '../cart.js';
import { $, clearFieldErrors, h, hideNotice, number, param, showFieldErrors, showNotice, yen } from '../dom.js';
import { initLayout } from '../layout.js';
import { formatAddress, renderItems, renderTotals } from '../order-view.js';

const pageNotice = $('#page-notice');
const formNotice = $('#form-notice');
const form = /** @type {HTMLFormElement} */ ($('#procedure-form'));
const confirmButton = /** @type {HTMLButtonElement} */ ($('#confirm'));
const field = (id) => /** @type {HTMLInputElement} */ ($(`#${id}`));

const orderId = param('orderId') ?? '';
const token = orderTokenFor(orderId, param('token'));
const checkoutSessionId = param('amazonCheckoutSessionId');
const headers = token ? { 'x-order-token': token } : {};
const base = `/api/orders/${encodeURIComponent(orderId)}`;

/** The order as last answered by the API. */
let order = null;

// ---- Form options and prefill -------------------------------------------------------------------

const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];

/** Every date from `earliest` to `latest` (YYYY-MM-DD, JST calendar days). */
function datesBetween(earliest, latest) {
  const dates = [];
  const day = new Date(`${earliest}T00:00:00Z`);
  const end = new Date(`${latest}T00:00:00Z`);
  while (day <= end) {
    dates.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return dates;
}

function dateLabel(iso) {
  const date = new Date(`${iso}T00:00:00Z`);
  return `${date.getUTCMonth() + 1}月${date.getUTCDate()}日（${WEEKDAYS[date.getUTCDay()]}）`;
}

function fillOptions(options) {
  const option = (value, label) => h('option', { value }, label);
  $('#orderer-prefecture').replaceChildren(
    option('', '選択してください'),
    ...options.prefectures.map((name) => option(name, name)),
  );
  $('#delivery-date').replaceChildren(
    option('unspecified', '指定なし（最短でお届け）'),
    ...datesBetween(options.deliveryDates.earliest, options.deliveryDates.latest).map((date) =>
      option(date, dateLabel(date)),
    ),
  );
  $('#delivery-time').replaceChildren(...options.timeSlots.map((slot) => option(slot.value, slot.label)));
  $('#noshi-type').append(...options.noshiTypes.map((type) => option(type, type)));
  $('#gift-wrapping-fee').textContent = `（${yen(options.fees.giftWrappingFee)}）`;
}

function setValue(id, value) {
  field(id).value = value ?? '';
}

/** Prefills from the saved procedure, else from Amazon (C6: ordererDefaults). */
function prefill(view) {
  const saved = view.procedure;
  const orderer = saved?.orderer ?? view.ordererDefaults ?? {};
  setValue('orderer-name', orderer.name);
  setValue('orderer-furigana', orderer.furigana);
  setValue('orderer-email', orderer.email);
  setValue('orderer-phone', orderer.phoneNumber);
  setValue('orderer-postal', orderer.postalCode);
  setValue('orderer-prefecture', orderer.prefecture);
  setValue('orderer-address', orderer.address);
  setValue('orderer-building', orderer.building);
  if (saved) {
    setValue('delivery-date', saved.delivery.date);
    setValue('delivery-time', saved.delivery.timeSlot);
    field('gift-wrapping').checked = saved.gift.wrapping;
    setValue('noshi-type', saved.gift.noshi?.type ?? '');
    setValue('noshi-name', saved.gift.noshi?.name ?? '');
    field('privacy-consent').checked = saved.privacyPolicyConsent;
    field('register-as-member').checked = saved.registerAsMember === true;
    field('newsletter').checked = saved.newsletter === true;
    setValue('points-to-use', String(saved.pointsToUse ?? 0));
    setValue('coupon-code', saved.couponCode ?? '');
  }
  syncDependentFields();
}

/** The noshi name needs a noshi; the newsletter choice belongs to registering (C4, C8). */
function syncDependentFields() {
  field('noshi-name').disabled = field('noshi-type').value === '';
  const registering = field('register-as-member').checked;
  field('newsletter').disabled = !registering;
  if (!registering) field('newsletter').checked = false;
}

/** The form as the API's procedure schema wants it (strict: no unknown keys). */
function procedureBody() {
  const text = (id) => field(id).value.trim();
  const optional = (key, value) => (value === '' ? {} : { [key]: value });
  const noshiType = field('noshi-type').value;
  const body = {
    orderer: {
      name: text('orderer-name'),
      ...optional('furigana', text('orderer-furigana')),
      email: text('orderer-email'),
      phoneNumber: text('orderer-phone'),
      postalCode: text('orderer-postal'),
      prefecture: field('orderer-prefecture').value,
      address: text('orderer-address'),
      ...optional('building', text('orderer-building')),
    },
    delivery: { date: field('delivery-date').value, timeSlot: field('delivery-time').value },
    gift: {
      wrapping: field('gift-wrapping').checked,
      noshi: noshiType === '' ? null : { type: noshiType, ...optional('name', text('noshi-name')) },
    },
    privacyPolicyConsent: field('privacy-consent').checked,
  };
  if (order.isGuest) {
    const registering = field('register-as-member').checked;
    return {
      ...body,
      registerAsMember: registering,
      ...(registering ? { newsletter: field('newsletter').checked } : {}),
    };
  }
  const points = text('points-to-use');
  return {
    ...body,
    // Sent as typed (a number input gives digits, a sign or a fraction): the API's message explains a bad one.
    pointsToUse: points === '' ? 0 : Number(points),
    couponCode: text('coupon-code') === '' ? null : text('coupon-code'),
  };
}

// ---- Rendering ----------------------------------------------------------------------------------

function renderOrder(view, changeAddressUrl) {
  order = view;
  $('#buyer').replaceChildren(h('span', {}, `${view.buyer.name} 様`, h('br'), view.buyer.email));
  $('#shipping-address').replaceChildren(formatAddress(view.shippingAddress));
  $('#payment-method').textContent = view.paymentMethod?.descriptor ?? '—';
  const change = /** @type {HTMLAnchorElement} */ ($('#change-at-amazon'));
  change.hidden = !changeAddressUrl;
  if (changeAddressUrl) change.href = changeAddressUrl;
  renderItems($('#items tbody'), view.items);
  renderTotals($('#totals'), view.totals);
  $('#guest-options').hidden = !view.isGuest;
  $('#member-options').hidden = view.isGuest;
}

async function showPoints() {
  try {
    const { points } = await api.get('/api/members/me/points');
    const usable = Math.min(points.available, order.totals.maxUsablePoints);
    $('#points-balance').textContent = `ご利用可能なポイント：${number(points.available)}ポイント`;
    field('points-to-use').max = String(usable);
    field('points-to-use').disabled = usable === 0;
    $('#points-hint').textContent =
      usable === 0 ? 'ご利用いただけるポイントはありません。' : `このご注文では最大${number(usable)}ポイントまで`;
  } catch {
    $('#points-balance').textContent = 'ポイント残高を表示できませんでした。';
  }
}

/** Shows a refusal: field errors next to their fields, anything else above the form. */
function showRefusal(error) {
  const fields = error instanceof ApiError ? error.fields.filter((item) => typeof item.path === 'string') : [];
  if (fields.length === 0) {
    showNotice(formNotice, 'error', messageOf(error));
    formNotice.scrollIntoView({ block: 'center' });
    return;
  }
  const unplaced = showFieldErrors(form, fields, messageOf(error));
  if (unplaced.length > 0)
    showNotice(formNotice, 'error', unplaced.map((item) => item.message ?? messageOf(error)).join('\n'));
  else showNotice(formNotice, 'error', '入力内容をご確認ください。');
}

// ---- Saving the procedure (recalculates the totals) -------------------------------------------

let queue = Promise.resolve(true);

/** Saves the form (PUT procedure), one request at a time; answers whether it was accepted. */
function save() {
  const run = async () => {
    $('#totals-state').textContent = '金額を計算しています…';
    try {
      const answer = await api.put(`${base}/procedure`, procedureBody(), headers);
      clearFieldErrors(form);
      hideNotice(formNotice);
      order = answer.order;
      renderTotals($('#totals'), order.totals);
      $('#totals-state').textContent = '';
      return true;
    } catch (error) {
      clearFieldErrors(form);
      showRefusal(error);
      $('#totals-state').textContent = '入力内容をご確認ください。';
      return false;
    }
  };
  queue = queue.then(run, run);
  return queue;
}

let saveTimer = 0;
form.addEventListener('change', () => {
  syncDependentFields();
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void save(), 250);
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(saveTimer);
  void save();
});

// ---- 「注文確定」 ---------------------------------------------------------------------------------

async function confirmOrder() {
  confirmButton.disabled = true;
  clearTimeout(saveTimer);
  if (!(await save())) {
    confirmButton.disabled = false;
    return;
  }
  try {
    const answer = await api.post(`${base}/confirm`, {}, headers);
    // The amount-confirmation hop: Amazon shows the final amount, then returns to /checkout/complete.
    location.assign(answer.amazonPayRedirectUrl);
  } catch (error) {
    confirmButton.disabled = false;
    if (error instanceof ApiError && error.code === 'additional_information_required') {
      askAdditionalInformation(error);
      return;
    }
    showRefusal(error);
  }
}
confirmButton.addEventListener('click', () => void confirmOrder());

/** C6: a member registered through Amazon Pay fills in the shop's required extra fields, then confirms again. */
function askAdditionalInformation(error) {
  const section = $('#additional-information');
  const missing = error instanceof ApiError && Array.isArray(error.details?.fields) ? error.details.fields : [];
  $('#additional-fields').replaceChildren(
    ...missing.map(({ key, label }) =>
      h(
        'div',
        { class: 'field', 'data-path': `extra.${key}` },
        h('label', { for: `extra-${key}`, class: 'required' }, label),
        h('input', { id: `extra-${key}`, name: key, type: 'text', maxlength: '200' }),
      ),
    ),
  );
  showNotice($('#additional-notice'), 'info', error.message);
  section.hidden = false;
  section.scrollIntoView({ block: 'start' });
  section.querySelector('input')?.focus();
}

const additionalForm = /** @type {HTMLFormElement} */ ($('#additional-form'));
additionalForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const extra = Object.fromEntries(
    [...additionalForm.querySelectorAll('input')].map((input) => [input.name, input.value.trim()]),
  );
  const submit = /** @type {HTMLButtonElement} */ (additionalForm.querySelector('button'));
  submit.disabled = true;
  clearFieldErrors(additionalForm);
  api
    .post('/api/members/me/additional-information', { extra }, {})
    .then(async () => {
      $('#additional-information').hidden = true;
      await confirmOrder();
    })
    .catch((failure) => {
      const unplaced = showFieldErrors(
        additionalForm,
        failure instanceof ApiError ? failure.fields : [],
        messageOf(failure),
      );
      if (unplaced.length > 0 || !(failure instanceof ApiError) || failure.fields.length === 0)
        showNotice($('#additional-notice'), 'error', messageOf(failure));
    })
    .finally(() => {
      submit.disabled = false;
    });
});

// ---- Back from Amazon ---------------------------------------------------------------------------

/** C7: the chosen address cannot be used; the buyer picks another one at Amazon. */
function showAddressUnusable(error) {
  const url = error.details?.changeAddressUrl;
  const action = url
    ? h(
        'p',
        { class: 'actions' },
        h('a', { class: 'btn btn-amazon', href: url, id: 'choose-another-address' }, 'Amazonで別のお届け先を選択する'),
      )
    : h('p', { class: 'hint' }, 'Amazon Payの画面でお届け先を変更してください。');
  showNotice(pageNotice, 'error', error.message, action);
}

/** The order has moved on (e.g. the back button after 「注文確定」): point to where it continues. */
async function showOrderElsewhere(error) {
  const links = [];
  try {
    const { order: current } = await api.get(base, headers);
    if (current.status === 'Confirmed' && current.amazonPayRedirectUrl) {
      links.push(
        h('a', { class: 'btn btn-amazon', href: current.amazonPayRedirectUrl }, 'Amazon Payでお支払い金額を確認する'),
      );
    } else if (['Authorizing', 'Placed', 'Failed'].includes(current.status)) {
      links.push(
        h(
          'a',
          {
            class: 'btn btn-primary',
            href: `/checkout/complete?orderId=${encodeURIComponent(orderId)}&token=${encodeURIComponent(token ?? '')}`,
          },
          'ご注文の状況を見る',
        ),
      );
    }
  } catch {
    // The message alone, then.
  }
  links.push(h('a', { class: 'btn', href: '/cart' }, 'カートに戻る'));
  showNotice(pageNotice, 'error', messageOf(error), h('p', { class: 'actions' }, ...links));
}

async function start() {
  const session = await initLayout();
  if (!orderId || !checkoutSessionId || token === null) {
    showNotice(
      pageNotice,
      'error',
      'ご注文の情報が見つかりません。カートからもう一度お手続きください。',
      h('p', { class: 'actions' }, h('a', { class: 'btn', href: '/cart' }, 'カートに戻る')),
    );
    return;
  }
  try {
    const [options, answer] = await Promise.all([
      api.get('/api/storefront/procedure-options'),
      api.post(`${base}/amazon-return`, { amazonCheckoutSessionId: checkoutSessionId }, headers),
    ]);
    fillOptions(options);
    renderOrder(answer.order, answer.changeAddressUrl);
    prefill(answer.order);
    $('#procedure').hidden = false;
    if (!answer.order.isGuest && session.member !== null) await showPoints();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'address_unusable') showAddressUnusable(error);
    else if (error instanceof ApiError && error.status === 409) await showOrderElsewhere(error);
    else
      showNotice(
        pageNotice,
        'error',
        messageOf(error),
        h('p', { class: 'actions' }, h('a', { class: 'btn', href: '/cart' }, 'カートに戻る')),
      );
  }
}

try {
  await start();
} finally {
  $('#loading').hidden = true;
}
