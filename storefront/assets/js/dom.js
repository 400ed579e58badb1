/** Small DOM helpers shared by the pages (no framework). */

/**
 * Creates an element. `attrs`: `class`, `text`, `dataset` and plain attributes (false/null skip one).
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = String(value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** @param {string} selector @returns {HTMLElement} */
export function $(selector, root = document) {
  const element = root.querySelector(selector);
  if (element === null) throw new Error(`missing element ${selector}`);
  return /** @type {HTMLElement} */ (element);
}

const yenFormat = new Intl.NumberFormat('ja-JP');

/** ¥1,234 */
export function yen(amount) {
  return `¥${yenFormat.format(Number(amount))}`;
}

export function number(value) {
  return yenFormat.format(Number(value));
}

const dateTimeFormat = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** An ISO instant as Japan time, e.g. 2026/11/22 12:34. */
export function dateTime(iso) {
  return iso ? dateTimeFormat.format(new Date(iso)) : '—';
}

const dateTimeSecondsFormat = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** An ISO instant as Japan time to the second, e.g. 2026/11/22 12:34:56 (as the member CSV writes it). */
export function dateTimeSeconds(iso) {
  return iso ? dateTimeSecondsFormat.format(new Date(iso)) : '—';
}

/** A query-string parameter of the current page. */
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

/**
 * Shows a notice (`error`, `success`, `info`, `warning`) in `box`, replacing what was there.
 * @param {HTMLElement} box
 * @param {'error' | 'success' | 'info' | 'warning'} kind
 * @param {string} message
 * @param {...Node} extra
 */
export function showNotice(box, kind, message, ...extra) {
  box.replaceChildren(h('p', { text: message }), ...extra);
  box.className = `notice notice-${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.hidden = false;
}

/** @param {HTMLElement} box */
export function hideNotice(box) {
  box.hidden = true;
  box.replaceChildren();
}

/** Removes every field error shown in `form`. @param {HTMLElement} form */
export function clearFieldErrors(form) {
  for (const error of form.querySelectorAll('.field-error')) error.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
}

/**
 * Shows each `{ path, message }` next to the field whose wrapper has `data-path` equal to the path
 * or its closest parent path ("gift.noshi.type" → "gift.noshi" → "gift"). Answers the fields that
 * found no place, so the caller can show them above the form.
 * @param {HTMLElement} form
 * @param {{ path?: string, message?: string }[]} fields
 * @param {string} fallbackMessage used for a field error without a message of its own
 * @returns {{ path?: string, message?: string }[]}
 */
export function showFieldErrors(form, fields, fallbackMessage) {
  const unplaced = [];
  let first = null;
  for (const field of fields) {
    const wrapper = findFieldWrapper(form, field.path ?? '');
    if (wrapper === null) {
      unplaced.push(field);
      continue;
    }
    const id = `error-${(wrapper.dataset.path ?? 'field').replace(/[^a-zA-Z0-9]/g, '-')}`;
    if (document.getElementById(id) !== null) continue;
    const error = h('p', { class: 'field-error', id, text: field.message ?? fallbackMessage });
    wrapper.append(error);
    const input = wrapper.querySelector('input, select, textarea');
    if (input !== null) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', id);
      first ??= input;
    }
  }
  if (first instanceof HTMLElement) first.focus({ preventScroll: false });
  return unplaced;
}

function findFieldWrapper(form, path) {
  const parts = path.split('.');
  while (parts.length > 0) {
    const wrapper = form.querySelector(`[data-path="${CSS.escape(parts.join('.'))}"]`);
    if (wrapper instanceof HTMLElement && !wrapper.closest('[hidden]')) return wrapper;
    parts.pop();
  }
  return null;
}

/** A same-site path from the `next` parameter (never another origin), else `fallback`. */
export function nextPath(fallback) {
  const next = param('next');
  return next !== null && /^\/(?![/\\])/.test(next) ? next : fallback;
}
