/**
 * Calls the shop API on the same origin. Every error answer is `{ error: { code, message, details? } }`;
 * it becomes an ApiError carrying the buyer-facing Japanese message.
 */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {any} [details]
   */
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field errors of a refused form: `[{ path, message? }]`. */
  get fields() {
    const fields = this.details?.fields;
    return Array.isArray(fields) ? fields : [];
  }
}

const NETWORK_MESSAGE = '通信に失敗しました。接続を確認して、もう一度お試しください。';

/**
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, headers?: Record<string, string> }} [options]
 * @returns {Promise<any>} the parsed JSON body
 */
async function request(method, path, options = {}) {
  const { body, headers = {} } = options;
  /** @type {Response} */
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
  }
  const text = await response.text();
  let data = null;
  if (text !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = data?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `エラーが発生しました（${response.status}）。`,
      error?.details,
    );
  }
  return data;
}

export const api = {
  /** @param {string} path @param {Record<string, string>} [headers] */
  get: (path, headers) => request('GET', path, { headers }),
  /** @param {string} path @param {unknown} [body] @param {Record<string, string>} [headers] */
  post: (path, body, headers) => request('POST', path, { body: body ?? {}, headers }),
  /** @param {string} path @param {unknown} body @param {Record<string, string>} [headers] */
  put: (path, body, headers) => request('PUT', path, { body, headers }),
  /** @param {string} path @param {Record<string, string>} [headers] */
  delete: (path, headers) => request('DELETE', path, { headers }),
};

/** A message for anything thrown: the API's own text, or a generic one. */
export function messageOf(error) {
  if (error instanceof ApiError) return error.message;
  return '予期しないエラーが発生しました。ページを再読み込みしてください。';
}
