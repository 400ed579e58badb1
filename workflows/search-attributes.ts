/**
 * Custom search attributes of every order (docs/architecture.md): ops staff find orders by
 * them in the Temporal UI and with `temporal workflow list --query`. The dev stack, the tests, CI
 * and docker-compose register exactly this list.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OrderStatus = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const OrderTotal = defineSearchAttributeKey('OrderTotal', SearchAttributeType.INT);
export const PaymentMethod = defineSearchAttributeKey('PaymentMethod', SearchAttributeType.KEYWORD);
export const MemberId = defineSearchAttributeKey('MemberId', SearchAttributeType.KEYWORD);
export const IsGuest = defineSearchAttributeKey('IsGuest', SearchAttributeType.BOOL);
export const AmazonChargePermissionId = defineSearchAttributeKey(
  'AmazonChargePermissionId',
  SearchAttributeType.KEYWORD,
);

export const orderSearchAttributes = [
  OrderStatus,
  OrderTotal,
  PaymentMethod,
  MemberId,
  IsGuest,
  AmazonChargePermissionId,
] as const;

/** The `temporal server start-dev --search-attribute` spelling of a type. */
const cliTypeNames: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** `Name=Type` pairs for the CLI's `--search-attribute` flag. */
export function searchAttributeCliSpecs(): string[] {
  return orderSearchAttributes.map((key) => `${key.name}=${cliTypeNames[key.type]}`);
}
