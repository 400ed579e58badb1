import { ApplicationFailure } from '@temporalio/common';
import { failureDetails, signInButtonConfig, type AmazonPayClient } from '../../amazon-pay/index.js';
import { MEMBER_MESSAGES } from '../../domain/messages.js';
import { HttpError } from '../errors.js';
import type { AmazonSignInGateway } from './routes.js';

/** Sign in with Amazon (L1) through the project's Amazon Pay adapter. */
export function createAmazonSignInGateway(
  client: AmazonPayClient,
  o: { merchantId: string; storeId: string; sandbox: boolean },
): AmazonSignInGateway {
  return {
    signInButtonConfig(signInReturnUrl) {
      return {
        ...signInButtonConfig(client, {
          ...o,
          signInReturnUrl,
          signInScopes: ['name', 'email', 'postalCode', 'shippingAddress', 'phoneNumber'],
        }),
      };
    },
    async getBuyer(buyerToken) {
      let buyer;
      try {
        buyer = await client.getBuyer(buyerToken);
      } catch (error) {
        if (error instanceof ApplicationFailure && error.nonRetryable) {
          const details = failureDetails(error);
          throw new HttpError(422, 'amazon_sign_in_failed', MEMBER_MESSAGES.amazonSignInFailed, {
            reasonCode: details?.reasonCode,
          });
        }
        throw new HttpError(503, 'amazon_unavailable', MEMBER_MESSAGES.amazonSignInUnavailable);
      }
      // The button asks for the name and email scopes; a member cannot exist without them.
      if (!buyer.name || !buyer.email) {
        throw new HttpError(422, 'amazon_sign_in_failed', MEMBER_MESSAGES.amazonProfileConsentRequired);
      }
      return { ...buyer, name: buyer.name, email: buyer.email };
    },
  };
}
