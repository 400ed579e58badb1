/**
 * The parts of `@amazonpay/amazon-pay-api-sdk-nodejs` (plain JS, no types) this project uses.
 * Response bodies are typed `unknown` on purpose: callers parse them with the zod schemas.
 */
declare module '@amazonpay/amazon-pay-api-sdk-nodejs' {
  export interface ClientConfig {
    publicKeyId: string;
    privateKey: string | Buffer;
    region: 'jp' | 'us' | 'na' | 'eu' | 'de' | 'uk';
    sandbox?: boolean;
    algorithm?: 'AMZN-PAY-RSASSA-PSS' | 'AMZN-PAY-RSASSA-PSS-V2';
  }

  export type Headers = Record<string, string> | null;

  export interface SdkResponse {
    status: number;
    headers: Record<string, string>;
    data: unknown;
  }

  export interface SignOptions {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    urlFragment: string;
    payload?: unknown;
    headers?: Headers;
    queryParams?: Record<string, string> | null;
  }

  export class AmazonPayClient {
    constructor(config: ClientConfig);
    generateButtonSignature(payload: unknown): string;
    getSignedHeaders(options: SignOptions): Record<string, string>;
  }

  export class WebStoreClient extends AmazonPayClient {
    getBuyer(buyerToken: string, headers?: Headers): Promise<SdkResponse>;
    createCheckoutSession(payload: unknown, headers: Headers): Promise<SdkResponse>;
    getCheckoutSession(checkoutSessionId: string, headers?: Headers): Promise<SdkResponse>;
    updateCheckoutSession(checkoutSessionId: string, payload: unknown, headers?: Headers): Promise<SdkResponse>;
    completeCheckoutSession(checkoutSessionId: string, payload: unknown, headers?: Headers): Promise<SdkResponse>;
    getChargePermission(chargePermissionId: string, headers?: Headers): Promise<SdkResponse>;
    updateChargePermission(chargePermissionId: string, payload: unknown, headers?: Headers): Promise<SdkResponse>;
    closeChargePermission(chargePermissionId: string, payload: unknown, headers?: Headers): Promise<SdkResponse>;
    createCharge(payload: unknown, headers: Headers): Promise<SdkResponse>;
    getCharge(chargeId: string, headers?: Headers): Promise<SdkResponse>;
    captureCharge(chargeId: string, payload: unknown, headers?: Headers): Promise<SdkResponse>;
    cancelCharge(chargeId: string, payload: unknown, headers?: Headers): Promise<SdkResponse>;
    createRefund(payload: unknown, headers: Headers): Promise<SdkResponse>;
    getRefund(refundId: string, headers?: Headers): Promise<SdkResponse>;
  }

  const sdk: { AmazonPayClient: typeof AmazonPayClient; WebStoreClient: typeof WebStoreClient };
  export default sdk;
}
