/**
 * A broken business precondition that the caller should have checked first (the checking
 * functions return results; the computing functions throw this when handed unchecked input).
 * `rule` is the rule id of docs/rules.md, so the API/workflow layers can map it to an ApplicationFailure type.
 */
export class DomainRuleError extends Error {
  override readonly name = 'DomainRuleError';
  constructor(
    readonly rule: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
