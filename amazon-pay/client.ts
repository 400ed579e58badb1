// The SDK ships no types; its declarations live beside the adapter (an ambient module, so a reference).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./sdk.d.ts" />
/**
 * The project's one Amazon Pay adapter: builds the official SDK's `WebStoreClient` for the
 * configured target, sends a caller-derived idempotency key on every POST, parses every response
 * with the zod schemas and turns failures into typed `ApplicationFailure`s (errors.ts).
 *
 * Emulator target: a request interceptor on the SDK's own axios instance rewrites
 * `https://pay-api.amazon.jp` to the emulator's URL for calls made through this adapter (the
 * route travels in an AsyncLocalStorage, so clients for different emulators can coexist in one
 * process). Never `overrideServiceUrl` (it disables TLS checks process-wide).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sdk, { type SdkResponse, type WebStoreClient } from '@amazonpay/amazon-pay-api-sdk-nodejs';
import { z } from 'zod';
import type { AppConfig } from '../config/index.js';
import { invalidResponse, toAmazonPayFailure } from './errors.js';
import {
  buyerSchema,
  chargePermissionSchema,
  chargeSchema,
  checkoutSessionSchema,
  refundSchema,
  type Buyer,
  type Charge,
  type ChargePermission,
  type CheckoutSession,
  type Money,
  type Refund,
} from './schemas.js';

const AMAZON_PAY_JP_ORIGIN = 'https://pay-api.amazon.jp';

interface AxiosRequestConfigLike {
  url?: string;
}
interface AxiosLike {
  interceptors: { request: { use(onFulfilled: (config: AxiosRequestConfigLike) => AxiosRequestConfigLike): number } };
}

const emulatorRoute = new AsyncLocalStorage<string>();
let interceptorInstalled = false;

/** The axios instance the SDK itself requires (it pins its own version). */
function sdkAxios(): AxiosLike {
  const sdkMain = createRequire(import.meta.url).resolve('@amazonpay/amazon-pay-api-sdk-nodejs');
  const fromSdk = createRequire(path.join(path.dirname(sdkMain), 'clientHelper.js'));
  return fromSdk('axios') as AxiosLike;
}

function installEmulatorInterceptor(): void {
  if (interceptorInstalled) return;
  interceptorInstalled = true;
  sdkAxios().interceptors.request.use((config) => {
    const target = emulatorRoute.getStore();
    if (target !== undefined && typeof config.url === 'string' && config.url.startsWith(`${AMAZON_PAY_JP_ORIGIN}/`)) {
      config.url = `${target}${config.url.slice(AMAZON_PAY_JP_ORIGIN.length)}`;
    }
    return config;
  });
}

/** Runs `fn` with SDK requests sent to `emulatorUrl` instead of Amazon (used by the adapter and tests). */
function withEmulatorRoute<T>(emulatorUrl: string, fn: () => T): T {
  installEmulatorInterceptor();
  return emulatorRoute.run(emulatorUrl.replace(/\/+$/, ''), fn);
}

export interface AmazonPayOverrides {
  /** Emulator URL (tests: an in-process emulator); implies the emulator target. */
  emulatorUrl?: string;
  publicKeyId?: string;
  /** PEM text of the private key instead of reading `privateKeyPath`. */
  privateKey?: string;
  algorithm?: AppConfig['amazonPay']['algorithm'];
}

export interface PostOptions {
  /** Made with `amazonIdempotencyKey(orderId, step, n)` (domain/ids.ts), so activity retries reuse it. */
  idempotencyKey: string;
  /** Sandbox only: `x-amz-pay-simulation-code`. */
  simulationCode?: string;
}

export interface CreateCheckoutSessionInput {
  webCheckoutDetails: { checkoutReviewReturnUrl: string; checkoutResultReturnUrl?: string; checkoutCancelUrl?: string };
  storeId: string;
  scopes?: string[];
  chargePermissionType?: 'OneTime';
  paymentDetails?: {
    paymentIntent?: 'Confirm' | 'Authorize' | 'AuthorizeWithCapture';
    canHandlePendingAuthorization?: boolean;
    chargeAmount?: Money;
    totalOrderAmount?: Money;
    presentmentCurrency?: 'JPY';
    allowOvercharge?: boolean;
    extendExpiration?: boolean;
    softDescriptor?: string;
  };
  merchantMetadata?: MerchantMetadataInput;
}

export interface MerchantMetadataInput {
  merchantReferenceId?: string;
  merchantStoreName?: string;
  noteToBuyer?: string;
  customInformation?: string;
}

export interface UpdateCheckoutSessionInput {
  webCheckoutDetails?: { checkoutResultReturnUrl?: string; checkoutCancelUrl?: string };
  paymentDetails?: CreateCheckoutSessionInput['paymentDetails'];
  merchantMetadata?: MerchantMetadataInput;
}

export interface CreateChargeInput {
  chargePermissionId: string;
  chargeAmount: Money;
  captureNow?: boolean;
  canHandlePendingAuthorization?: boolean;
  softDescriptor?: string;
  merchantMetadata?: MerchantMetadataInput;
}

export class AmazonPayClient {
  constructor(
    /** The raw SDK client (signing, button signatures). */
    readonly sdk: WebStoreClient,
    readonly target: { kind: 'emulator'; url: string } | { kind: 'amazon' },
    readonly publicKeyId: string,
  ) {}

  /** Runs an SDK call against the configured target. */
  run<T>(fn: () => T): T {
    return this.target.kind === 'emulator' ? withEmulatorRoute(this.target.url, fn) : fn();
  }

  private async call<S extends z.ZodType>(
    operation: string,
    schema: S,
    fn: () => Promise<SdkResponse>,
  ): Promise<z.output<S>> {
    let response: SdkResponse;
    try {
      response = await this.run(fn);
    } catch (error) {
      throw toAmazonPayFailure(operation, error);
    }
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) throw invalidResponse(operation, z.prettifyError(parsed.error));
    return parsed.data;
  }

  private static headers(options?: {
    idempotencyKey?: string;
    simulationCode?: string | undefined;
  }): Record<string, string> | null {
    const h: Record<string, string> = {};
    // Lower-case names: the SDK signs header names as given.
    if (options?.idempotencyKey !== undefined) h['x-amz-pay-idempotency-key'] = options.idempotencyKey;
    if (options?.simulationCode !== undefined) h['x-amz-pay-simulation-code'] = options.simulationCode;
    return Object.keys(h).length === 0 ? null : h;
  }

  getBuyer(buyerToken: string): Promise<Buyer> {
    return this.call('getBuyer', buyerSchema, () => this.sdk.getBuyer(buyerToken));
  }

  createCheckoutSession(input: CreateCheckoutSessionInput, options: PostOptions): Promise<CheckoutSession> {
    return this.call('createCheckoutSession', checkoutSessionSchema, () =>
      this.sdk.createCheckoutSession(input, AmazonPayClient.headers(options)),
    );
  }

  getCheckoutSession(checkoutSessionId: string): Promise<CheckoutSession> {
    return this.call('getCheckoutSession', checkoutSessionSchema, () => this.sdk.getCheckoutSession(checkoutSessionId));
  }

  updateCheckoutSession(checkoutSessionId: string, input: UpdateCheckoutSessionInput): Promise<CheckoutSession> {
    return this.call('updateCheckoutSession', checkoutSessionSchema, () =>
      this.sdk.updateCheckoutSession(checkoutSessionId, input),
    );
  }

  completeCheckoutSession(
    checkoutSessionId: string,
    input: { chargeAmount: Money; totalOrderAmount?: Money },
    options: PostOptions,
  ): Promise<CheckoutSession> {
    return this.call('completeCheckoutSession', checkoutSessionSchema, () =>
      this.sdk.completeCheckoutSession(checkoutSessionId, input, AmazonPayClient.headers(options)),
    );
  }

  getChargePermission(chargePermissionId: string): Promise<ChargePermission> {
    return this.call('getChargePermission', chargePermissionSchema, () =>
      this.sdk.getChargePermission(chargePermissionId),
    );
  }

  updateChargePermission(
    chargePermissionId: string,
    input: { merchantMetadata: MerchantMetadataInput },
  ): Promise<ChargePermission> {
    return this.call('updateChargePermission', chargePermissionSchema, () =>
      this.sdk.updateChargePermission(chargePermissionId, input),
    );
  }

  closeChargePermission(
    chargePermissionId: string,
    input: { closureReason?: string; cancelPendingCharges?: boolean },
    options?: { simulationCode?: string },
  ): Promise<ChargePermission> {
    return this.call('closeChargePermission', chargePermissionSchema, () =>
      this.sdk.closeChargePermission(chargePermissionId, input, AmazonPayClient.headers(options)),
    );
  }

  createCharge(input: CreateChargeInput, options: PostOptions): Promise<Charge> {
    return this.call('createCharge', chargeSchema, () =>
      this.sdk.createCharge(input, AmazonPayClient.headers(options)),
    );
  }

  getCharge(chargeId: string): Promise<Charge> {
    return this.call('getCharge', chargeSchema, () => this.sdk.getCharge(chargeId));
  }

  captureCharge(
    chargeId: string,
    input: { captureAmount: Money; softDescriptor?: string },
    options: PostOptions,
  ): Promise<Charge> {
    return this.call('captureCharge', chargeSchema, () =>
      this.sdk.captureCharge(chargeId, input, AmazonPayClient.headers(options)),
    );
  }

  cancelCharge(chargeId: string, input: { cancellationReason?: string }): Promise<Charge> {
    return this.call('cancelCharge', chargeSchema, () => this.sdk.cancelCharge(chargeId, input));
  }

  createRefund(
    input: { chargeId: string; refundAmount: Money; softDescriptor?: string },
    options: PostOptions,
  ): Promise<Refund> {
    return this.call('createRefund', refundSchema, () =>
      this.sdk.createRefund(input, AmazonPayClient.headers(options)),
    );
  }

  getRefund(refundId: string): Promise<Refund> {
    return this.call('getRefund', refundSchema, () => this.sdk.getRefund(refundId));
  }

  /** Signs a button payload exactly as it will be sent (the string, not a re-serialization). */
  generateButtonSignature(payloadJSON: string): string {
    return this.sdk.generateButtonSignature(payloadJSON);
  }
}

export function createAmazonPayClient(
  config: Pick<AppConfig, 'amazonPay'>,
  overrides: AmazonPayOverrides = {},
): AmazonPayClient {
  const ap = config.amazonPay;
  const publicKeyId = overrides.publicKeyId ?? ap.publicKeyId;
  const privateKey = overrides.privateKey ?? readFileSync(path.resolve(ap.privateKeyPath), 'utf8');
  const client = new sdk.WebStoreClient({
    publicKeyId,
    privateKey,
    region: 'jp',
    sandbox: ap.sandbox,
    algorithm: overrides.algorithm ?? ap.algorithm,
  });
  const emulatorUrl = overrides.emulatorUrl ?? (ap.target === 'emulator' ? ap.emulatorUrl : undefined);
  if (emulatorUrl !== undefined) installEmulatorInterceptor();
  return new AmazonPayClient(
    client,
    emulatorUrl === undefined ? { kind: 'amazon' } : { kind: 'emulator', url: emulatorUrl.replace(/\/+$/, '') },
    publicKeyId,
  );
}
