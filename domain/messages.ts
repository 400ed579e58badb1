/**
 * Every fixed buyer- and ops-facing Japanese text, in one place, so that other code imports them
 * instead of retyping them. Texts the rules quote (in 「」, docs/rules.md) must stay byte-for-byte identical.
 */

import { z } from 'zod';

/**
 * zod's own messages (wrong types, lengths, unknown keys) in Japanese, for every request the shop
 * parses; the schemas' custom messages still win. Pass as `safeParse(value, JAPANESE_PARSE_ERRORS)`.
 */
export const JAPANESE_PARSE_ERRORS = { error: z.locales.ja().localeError };

// ---- Texts quoted in docs/rules.md (exact) ----------------------------------------------------

/** C7: shown when the chosen Amazon address book entry cannot be used. */
export const ADDRESS_UNUSABLE_MESSAGE = 'ご指定のお届け先は利用できません。別のお届け先を選択してください';

/** M1: shop memo line for an order paid with an Amazon gift card only. */
export const SHOP_MEMO_GIFT_CARD_ONLY = 'Amazonギフト券';
/** M1: shop memo line for an order paid with an Amazon gift card and a card. */
export const SHOP_MEMO_GIFT_CARD_AND_CARD = 'Amazonギフト券と指定のお支払い方法';
/** M1: shop memo line for an order paid with a card only. */
export const SHOP_MEMO_CARD_ONLY = 'Amazonアカウントで指定したお支払い方法';

/** C1: the cart button leading to the shop's normal order form. */
export const PAY_ON_THIS_SITE_LABEL = 'このサイトでお支払い';
/** C2: the button on the Amazon Pay order-procedure screen that places the order. */
export const CONFIRM_ORDER_LABEL = '注文確定';
/** L6: member-export column holding the Amazon link date-time (empty when not linked). */
export const AMAZON_LINKED_AT_COLUMN = 'AmazonID連携日時';
/** L5: ops member-search filter that selects exactly the Amazon-linked members. */
export const AMAZON_LINK_FILTER_LABEL = 'ID連携：Amazon連携';
/** L7: member-export column of the registration date-time (equals the link date-time for L7). */
const REGISTERED_AT_COLUMN = '登録日時';
/** M1: where the payment line goes. */
const SHOP_MEMO_LABEL = 'ショップメモ';

// ---- Places named by the Amazon Pay manual (its 制限事項; docs/rules.md R2) -----------------------

/** R2: pre-order items are ordered through the normal order form instead (manual, 制限事項). */
const NORMAL_ORDER_FORM_LABEL = '通常のご注文フォーム';
/** R2: subscription / distribution items have their own cart (manual, 制限事項). */
const SUBSCRIPTION_CART_LABEL = '定期・頒布会商品専用ショッピングカート';

// ---- Texts this project wrote (the rules give no wording) ---------------------------------------

/** R2: pre-order items refused, naming them and where to order them instead. */
export function preOrderItemsRefusedMessage(itemNames: readonly string[]): string {
  return `予約販売の商品（${joinNames(itemNames)}）はAmazon Payではご注文いただけません。カートの「${PAY_ON_THIS_SITE_LABEL}」から${NORMAL_ORDER_FORM_LABEL}でご注文ください。`;
}

/** R2: subscription / distribution items refused, naming them and where to order them instead. */
export function subscriptionItemsRefusedMessage(itemNames: readonly string[]): string {
  return `定期・頒布会の商品（${joinNames(itemNames)}）はAmazon Payではご注文いただけません。${SUBSCRIPTION_CART_LABEL}からご注文ください。`;
}

export const EMPTY_CART_MESSAGE = 'カートに商品が入っていません。';

export function quantityOutOfRangeMessage(itemName: string, min: number, max: number): string {
  return `「${itemName}」の数量は${min}〜${max}の範囲で指定してください。`;
}

/** C5: points and coupons are for logged-in members only. */
export const GUEST_POINTS_COUPON_MESSAGE = 'ポイント・クーポンは会員ログイン後にご利用いただけます。';
export const POINTS_NOT_WHOLE_NUMBER_MESSAGE = 'ご利用ポイントは0以上の整数で指定してください。';
export function pointsExceedBalanceMessage(balance: number): string {
  return `ご利用ポイントが保有ポイント（${formatNumber(balance)}ポイント）を超えています。`;
}
export function pointsExceedOrderMessage(maxUsable: number): string {
  return `このご注文でご利用いただけるポイントは${formatNumber(maxUsable)}ポイントまでです。`;
}

export const COUPON_MEMBERS_ONLY_MESSAGE = 'このクーポンは会員様専用です。会員ログイン後にご利用ください。';
export const COUPON_NOT_YET_VALID_MESSAGE = 'このクーポンはまだご利用期間前です。';
export const COUPON_EXPIRED_MESSAGE = 'このクーポンはご利用期限を過ぎています。';
export const COUPON_ALREADY_USED_MESSAGE = 'このクーポンはすでにご利用済みです。';
export const COUPON_ONE_PER_ORDER_MESSAGE = 'クーポンは1回のご注文につき1枚までご利用いただけます。';
export function couponMinimumPurchaseMessage(minimum: number): string {
  return `このクーポンは商品合計¥${formatNumber(minimum)}以上のご注文でご利用いただけます。`;
}

/** C3: consent is required to confirm, though the procedure may be saved without it. */
export const PRIVACY_POLICY_CONSENT_REQUIRED_MESSAGE =
  '個人情報保護方針に同意してください。同意いただくとご注文を確定できます。';
export const ALREADY_MEMBER_MESSAGE = 'すでに会員登録済みです。';
export function deliveryDateOutOfWindowMessage(earliest: string, latest: string): string {
  return `お届け希望日は${earliest}から${latest}までの日付を指定してください。`;
}

function joinNames(names: readonly string[]): string {
  return names.join('、');
}

/** Digits grouped by thousands (a local copy: messages must not depend on the money module). */
function formatNumber(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// ---- Requests the API refuses (every route) -----------------------------------------------------

export function pageNotFoundMessage(method: string, path: string): string {
  return `ページが見つかりません（${method} ${path}）`;
}
export function methodNotAllowedMessage(path: string, method: string, allowed: readonly string[]): string {
  return `${path} では ${method} を使えません（使えるもの: ${allowed.join(', ')}）`;
}
export const MALFORMED_JSON_MESSAGE = 'リクエスト本文のJSONが正しくありません。';
export const BODY_TOO_LARGE_MESSAGE = 'リクエスト本文が大きすぎます。';
export const RATE_LIMITED_MESSAGE = 'リクエストが多すぎます。しばらくしてからお試しください。';
export const INTERNAL_ERROR_MESSAGE = 'サーバーでエラーが発生しました。しばらくしてからお試しください。';
/** Ops' payload codec: a payload that cannot be decrypted, with the codec's reason. */
export function payloadUndecryptableMessage(reason: string): string {
  return `ペイロードを復号できません（${reason}）`;
}

// ---- Checkout requests (storefront order routes) ------------------------------------------------

export const CHECKOUT_SESSION_ID_INVALID_MESSAGE = 'Amazon PayのチェックアウトセッションIDではありません';
export function unknownProductsMessage(productIds: readonly string[]): string {
  return `存在しない商品です: ${productIds.join(', ')}`;
}
/** The Idempotency-Key's order has finished (placed, failed, abandoned): a new cart needs a new key. */
export const CHECKOUT_FINISHED_MESSAGE = 'この注文手続きは終了しています。カートからもう一度お手続きください。';
export const IDEMPOTENCY_KEY_OTHER_CART_MESSAGE = 'このIdempotency-Keyは別のカートの注文手続きに使われています。';

// ---- The order-procedure form (C3–C6) ---------------------------------------------------------

/** C3: the carrier time slots' labels, by the slot values of `DELIVERY_TIME_SLOTS`. */
export const DELIVERY_TIME_SLOT_LABELS = {
  unspecified: '指定なし',
  morning: '午前中',
  '14-16': '14-16時',
  '16-18': '16-18時',
  '18-20': '18-20時',
  '19-21': '19-21時',
} as const;

export const ORDER_FORM_MESSAGES = {
  deliveryDateInvalid: 'お届け希望日の形式が正しくありません。',
  timeSlotRequired: 'お届け時間帯を選択してください。',
  noshiTypeRequired: 'のしの種類を選択してください。',
  noshiNameTooLong: 'のしの名入れは20文字以内で入力してください。',
  nameRequired: 'お名前を入力してください。',
  nameTooLong: 'お名前は60文字以内で入力してください。',
  furiganaNotKana: 'フリガナはカタカナで入力してください。',
  emailInvalid: 'メールアドレスの形式が正しくありません。',
  phoneInvalid: '電話番号は市外局番から10桁または11桁で入力してください。',
  postalCodeInvalid: '郵便番号は7桁で入力してください。',
  prefectureRequired: '都道府県を選択してください。',
  addressRequired: 'ご住所を入力してください。',
} as const;

// ---- Ops amount changes (A2, A3) ----------------------------------------------------------------

export const AMOUNT_NOT_YEN_MESSAGE = '金額は0以上の整数（円）で指定してください。';
export const AMOUNT_ALREADY_CAPTURED_MESSAGE =
  '売上確定（キャプチャ）済みのため金額を変更できません。返金で対応してください。';
export function amountBelowMinimumMessage(minimum: number): string {
  return `変更後の金額は${yen(minimum)}以上にしてください。`;
}
/** A3/M3: a gift-card-only payment cannot be raised (the shop memo says how the order was paid). */
export function giftCardOnlyIncreaseMessage(authorizedAmount: number): string {
  return `Amazonギフト券のみでお支払いの注文は増額できません（${SHOP_MEMO_LABEL}をご確認ください）。変更できるのは現在の金額${yen(authorizedAmount)}以下です。`;
}
/** A2: the new total is over the cap. */
export function exceedsAmountLimitMessage(requested: number, limit: number, remaining: number): string {
  return `変更後の金額${yen(requested)}が増額の上限（${yen(limit)}）を超えています。残り増額可能額: ${yen(remaining)}`;
}
/** Amazon's remaining balance on the charge permission is smaller than the increase. */
export function exceedsAmountBalanceMessage(
  increase: number,
  balance: number,
  limit: number,
  remaining: number,
): string {
  return `増額分${yen(increase)}がAmazon Payの利用可能残高（${yen(balance)}）を超えています（増額の上限: ${yen(limit)}）。残り増額可能額: ${yen(remaining)}`;
}

/** `¥1,234`, as `formatYen` writes it (a local copy, like `formatNumber`). */
function yen(amount: number): string {
  return `¥${formatNumber(amount)}`;
}

// ---- Members (L1–L8, C4, C6) ------------------------------------------------------------------

export const MEMBER_MESSAGES = {
  emailTaken: 'このメールアドレスは既に登録されています',
  loginFailed: 'メールアドレスまたはパスワードが正しくありません',
  notLoggedIn: 'ログインしてください',
  amazonBuyerLinkedElsewhere:
    'このAmazonアカウントは既に別の会員と連携されています。連携済みの会員でログインしてください',
  memberLinkedToOtherAmazon: 'この会員は既に別のAmazonアカウントと連携されています',
  amazonSignInRequired: 'Amazonアカウントでログインしてからパスワードを設定してください',
  currentPasswordWrong: '現在のパスワードが正しくありません',
  resetTokenInvalid: 'パスワード再設定のURLが無効か、有効期限が切れています',
  noAmazonSignIn: 'Amazonアカウントでのログインが必要です',
  amazonSignInFailed: 'Amazonアカウントでのログインに失敗しました。もう一度お試しください',
  amazonSignInUnavailable: 'Amazon Payに接続できません。しばらくしてからお試しください',
  amazonProfileConsentRequired: 'Amazonアカウントの氏名とメールアドレスの提供に同意してください',
} as const;

// ---- Staff sign-in (ops console, codec server) -------------------------------------------------

/**
 * One answer for every refused staff sign-in — wrong password, unknown login, locked or disabled
 * account — so the answer never tells whether a login exists; it states the lock-out rule instead.
 */
export function staffSignInFailedMessage(attempts: number, minutes: number): string {
  return `ログインIDまたはパスワードが正しくないか、サインインできない状態です。${attempts}回続けて間違えると${minutes}分間サインインできなくなります`;
}
/** Too many failed staff sign-ins from one address (any login): its sign-ins wait out the window. */
export function staffSignInsThrottledMessage(minutes: number): string {
  return `この接続元からのサインインの失敗が続いたため、サインインを一時的に止めています。${minutes}分後にもう一度お試しください`;
}
export const STAFF_MESSAGES = {
  notSignedIn: 'スタッフとしてサインインしてください',
  csrfTokenInvalid: '画面を再読み込みしてから、もう一度操作してください（CSRFトークンが無効です）',
  loginInvalid: 'ログインIDは英小文字・数字・記号（._@+-）の3〜100文字で入力してください',
} as const;

/** The member form's field rules (registration, profile, additional information). */
export const MEMBER_FORM_MESSAGES = {
  emailInvalid: 'メールアドレスの形式が正しくありません',
  postalCodeInvalid: '郵便番号は7桁で入力してください',
  phoneInvalid: '電話番号を正しく入力してください',
  prefectureInvalid: '都道府県を正しく入力してください',
  nameRequired: '氏名を入力してください',
  addressRequired: '住所を入力してください',
} as const;
export function passwordTooShortMessage(minLength: number): string {
  return `パスワードは${minLength}文字以上で入力してください`;
}
export function passwordTooLongMessage(maxLength: number): string {
  return `パスワードは${maxLength}文字以内で入力してください`;
}
/** C6: required extra member fields left empty, by their configured labels. */
export function fieldsRequiredMessage(labels: readonly string[]): string {
  return `${joinNames(labels)}を入力してください`;
}

export const PASSWORD_RESET_MAIL_SUBJECT = 'パスワード再設定のご案内';
export function passwordResetMailText(validMinutes: number, resetUrl: string): string {
  return `以下のURLから${validMinutes}分以内にパスワードを設定してください。\n${resetUrl}\n`;
}

/** L6: the member export's columns (the configured extra fields follow, by their labels). */
export const MEMBER_CSV_COLUMNS = {
  memberId: '会員ID',
  email: 'メールアドレス',
  name: '氏名',
  postalCode: '郵便番号',
  prefecture: '都道府県',
  address: '住所',
  phone: '電話番号',
  newsletter: 'メールマガジン',
  mobileMail: '携帯メール',
  registeredAt: REGISTERED_AT_COLUMN,
  amazonLinkedAt: AMAZON_LINKED_AT_COLUMN,
} as const;
/** C8: a member's preference in the export (empty when never asked). */
export const PREFERENCE_WANTED = '希望する';
export const PREFERENCE_NOT_WANTED = '希望しない';
/**
 * C8: the two preferences as the manual names them in the order e-mails (注文確認メール／サンクスメール
 * ／任意受注メール): left blank for a guest's Amazon Pay order.
 */
export const ORDER_MAIL_PREFERENCE_LABELS = {
  newsletter: 'メールマガジンの購読',
  mobileMail: 'モバイルメール受信可否',
} as const;

// ---- Checkout outcomes (the order workflow) ---------------------------------------------------

/** R3: the Amazon Pay checkout ships to one address only. */
export const SINGLE_DESTINATION_MESSAGE =
  'Amazon Payでのご注文のお届け先は1か所のみ指定できます。お届け先を1か所選択してください。';
export const COUPON_NOT_FOUND_MESSAGE = 'クーポンコードが正しくありません。';
export const ADDITIONAL_INFORMATION_REQUIRED_MESSAGE =
  '会員情報の追加入力が必要です。追加情報をご入力のうえ、ご注文を確定してください。';
export const PAYMENT_DECLINED_MESSAGE =
  'Amazon Payでのお支払いが承認されませんでした。お支払い方法を変更して、もう一度ご注文ください。';
export const CHECKOUT_CANCELED_MESSAGE = 'Amazon Payでのお手続きが中止されました。もう一度ご注文ください。';
export const CHECKOUT_ABANDONED_MESSAGE =
  'ご注文のお手続きが24時間以内に完了しなかったため、ご注文は無効になりました。';
export const AMAZON_UNAVAILABLE_MESSAGE =
  'ただいまAmazon Payに接続できません。しばらくしてからもう一度お試しください。';
export const ORDER_STATE_MESSAGE = 'このご注文は現在この操作を受け付けていません。';
/** An order that does not exist, or that the caller may not see (the same answer for both). */
export const ORDER_NOT_FOUND_MESSAGE = 'ご注文が見つかりません。';
/** A URL whose order id is not one (`ORD-YYYYMMDD-` and 8 characters of 0–9 and A–Z without I, L, O, U). */
export const INVALID_ORDER_ID_MESSAGE = 'ご注文番号の形式が正しくありません。';

// ---- C4: registration at purchase refused (the order itself is placed) -------------------------

/** The address typed on the form belongs to a member already: log in and link Amazon from there. */
export const REGISTRATION_EMAIL_TAKEN_MESSAGE =
  'ご注文は確定しましたが、ご入力のメールアドレスはすでに会員登録されているため、会員登録は行われませんでした。会員の方はログインのうえ、Amazonアカウントと連携してください。';
/** The Amazon account is linked to another member already (L2): log in as that member. */
const REGISTRATION_BUYER_LINKED_MESSAGE =
  'ご注文は確定しましたが、このAmazonアカウントはすでに別の会員と連携されているため、会員登録は行われませんでした。連携済みの会員でログインしてご利用ください。';
/** P2: under commerce_creator the points depended on the registration. */
const REGISTRATION_POINTS_NOT_GRANTED_MESSAGE = 'このご注文の購入ポイントは付与されません。';

export function registrationRefusedMessage(
  outcome: 'email_taken' | 'buyer_linked_elsewhere',
  pointsLost: boolean,
): string {
  const base = outcome === 'email_taken' ? REGISTRATION_EMAIL_TAKEN_MESSAGE : REGISTRATION_BUYER_LINKED_MESSAGE;
  return pointsLost ? `${base}${REGISTRATION_POINTS_NOT_GRANTED_MESSAGE}` : base;
}

// ---- The order workflow's texts (workflows/order, workflows/points) --------------------------------
// Buyer-facing refusals and ops-facing refusals are Japanese. The ops notes in `payment.attention` and
// the "waiting for" lines (the Temporal UI's current details) stay English as they were: ops tooling and
// recorded views read them.

/** Step 2: the checkout session the buyer came back with belongs to another order (or none). */
export const SESSION_MISMATCH_MESSAGE = 'このAmazon Payのお手続きはご注文と一致しません。もう一度お試しください。';
/** Step 3: a form refused without a field-level message (zod always gives one; the fallback of last resort). */
export const CHECK_INPUT_MESSAGE = '入力内容をご確認ください。';
/** Step 4 (C5): the point account could not hold the points and said nothing more. */
export const POINTS_NOT_RESERVED_MESSAGE = 'ポイントを確保できませんでした。';
/** C5: the point account refuses a hold larger than its available balance (digits not grouped). */
export function pointsExceedAvailableMessage(available: number): string {
  return `ご利用可能なポイント（${available}ポイント）を超えています。`;
}

/** Ops (A2): Amazon refused the extra authorization for an increase. */
export function increaseRefusedMessage(reasonCode: string): string {
  return `Amazon Payが増額のオーソリを受け付けませんでした（${reasonCode}）。`;
}
/** Ops (A2): Amazon declined the extra authorization for an increase; the order amount stays. */
export function increaseDeclinedMessage(reasonCode: string): string {
  return `Amazon Payが増額のオーソリを承認しませんでした（${reasonCode}）。ご注文金額は変わりません。`;
}
/** Ops (A1): a capture larger than the order amount. */
export function captureExceedsAmountMessage(amount: number, orderAmount: number): string {
  return `売上確定額${yenText(amount)}がご注文金額${yenText(orderAmount)}を超えています。`;
}
/** Ops (A1): a capture smaller than what is captured already. */
export function alreadyCapturedMessage(captured: number): string {
  return `すでに${yenText(captured)}が売上確定済みです。`;
}
/** Ops (A1): a capture larger than what is authorized and not yet captured. */
export function captureExceedsAuthorizedMessage(capturable: number, authorizationPending: boolean): string {
  const pending = authorizationPending ? '（承認待ちのオーソリがあります）' : '';
  return `オーソリ済みで売上未確定の金額は${yenText(capturable)}までです${pending}。`;
}
/** Ops (A1): Amazon refused to capture one of the order's charges. */
export function captureRefusedMessage(chargeId: string, reasonCode: string): string {
  return `Amazon Payが売上確定（${chargeId}）を受け付けませんでした（${reasonCode}）。`;
}
/** Ops: cancel is for orders not captured yet; a captured order is refunded instead. */
export function cancelAfterCaptureMessage(captured: number): string {
  return `すでに${yenText(captured)}が売上確定済みのため、キャンセルできません。売上確定を済ませてから返金してください。`;
}
/** Ops: Amazon refused to cancel one of the order's authorizations. */
export function cancelRefusedMessage(chargeId: string, reasonCode: string): string {
  return `Amazon Payがオーソリ（${chargeId}）のキャンセルを受け付けませんでした（${reasonCode}）。`;
}
/** Ops: a refund larger than what can still be refunded (settled captures less refunds asked for). */
export function refundExceedsMessage(amount: number, refundable: number, captured: number): string {
  return `返金額${yenText(amount)}が返金可能額${yenText(refundable)}（売上確定${yenText(captured)}のうち）を超えています。`;
}
/** Ops: Amazon refused a refund. */
export function refundRefusedMessage(reasonCode: string): string {
  return `Amazon Payが返金を受け付けませんでした（${reasonCode}）。`;
}

/** Ops note (`payment.attention`): a pending extra authorization came back declined. */
export function increaseDeclinedNote(chargeId: string, reasonCode: string): string {
  return `the extra authorization ${chargeId} was declined (${reasonCode}); the order amount is back to what is authorized`;
}
/** Ops note: Amazon declined a refund after accepting it. */
export function refundDeclinedNote(refundId: string, amount: number, reasonCode: string): string {
  return `refund ${refundId} of ${yenText(amount)} was declined by Amazon (${reasonCode}); it can be sent again`;
}
/** Ops note: Amazon closed the charge permission of an order not captured yet. */
export function permissionClosedNote(reasonCode: string): string {
  return `Amazon closed the charge permission (${reasonCode}) before capture`;
}
/** Ops note: an authorization reached 30 days and could not be renewed within the charge permission. */
export function authorizationNotRenewedNote(chargeId: string, reasonCode: string): string {
  return `authorization ${chargeId} expired and could not be renewed (${reasonCode})`;
}
/** Ops note: the charge permission reached 180 days before any capture (the order is canceled). */
export const PERMISSION_EXPIRED_UNCAPTURED_NOTE = 'the charge permission closed after 180 days without capture';
/** Ops note: the charge permission reached 180 days with a capture cut off part-way (what was captured stands). */
export function permissionExpiredPartlyCapturedNote(captured: number, amount: number): string {
  return `the charge permission closed after 180 days with ${yenText(captured)} of ${yenText(amount)} captured`;
}

/** What each order status waits for, in words (`waitingFor`, and the workflow's current details). */
export const ORDER_WAITING_FOR = {
  CheckoutCreated: 'Waiting for the buyer to sign in at Amazon and choose an address and a payment method.',
  AddressSelected: 'Waiting for the buyer to fill in the order-procedure form.',
  ProcedureEntered: `Waiting for the buyer to press 「${CONFIRM_ORDER_LABEL}」.`,
  Confirmed: 'Waiting for the buyer to confirm the amount on Amazon\u2019s page.',
  Authorizing: 'Waiting for Amazon to decide the pending authorization (notification or poll).',
  Placed: 'Placed: authorized, waiting for capture at shipment.',
  Failed: 'Failed: nothing to wait for.',
  Abandoned: 'Abandoned: the checkout was not completed within 24 hours.',
  Captured: 'Captured: refunds are possible until the charge permission closes (180 days).',
  PartiallyRefunded: 'Partly refunded: further refunds are possible until the charge permission closes.',
  Refunded: 'Refunded in full: waiting for Amazon to settle the refunds.',
  Canceled: 'Canceled before capture: nothing to wait for.',
} as const;

/** The reconciliation's current details in the Temporal UI, while it runs and when it is done. */
export const RECONCILIATION_READING = 'Reading every known charge and refund back from Amazon Pay.';
export function reconciliationOutcome(mismatches: number): string {
  return mismatches === 0 ? 'No mismatches.' : `${mismatches} mismatch(es) found.`;
}
/** Ops: a member id in a URL that is not one (member ids are letters, digits and hyphens, e.g. `M-ORD-…`). */
export const INVALID_MEMBER_ID_MESSAGE = '会員IDの形式が正しくありません（英数字とハイフン、64文字まで）。';
/** Ops: no member has this id (never registered, or a typo). */
export const MEMBER_NOT_FOUND_MESSAGE = 'この会員IDの会員は見つかりません。';
/** Ops: a reconciliation run id in a URL that is not one (the run ids of Temporal are UUIDs). */
export const INVALID_RECONCILIATION_RUN_ID_MESSAGE = '照合の実行IDの形式が正しくありません（UUID形式）。';
/** Ops: no run of the ops API with this id (never started, or past the namespace's retention). */
export const RECONCILIATION_RUN_NOT_FOUND_MESSAGE =
  'この照合の実行は見つかりません。保存期間を過ぎた実行のレポートは GET /ops/reconciliation で確認できます。';
/** Ops: a reconciliation run ended without a report (failed, timed out, terminated), with Temporal's reason. */
export function reconciliationRunFailedMessage(reason: string): string {
  return `照合は完了しませんでした（${reason}）。もう一度実行してください。`;
}

/** Yen as `¥1,234` (the same spelling as `formatYen`, kept local like `formatNumber`). */
function yenText(amount: number): string {
  return `¥${formatNumber(amount)}`;
}
