/** An Amazon-shaped API error: HTTP status plus `{ reasonCode, message }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly reasonCode: string,
    message: string,
  ) {
    super(message);
  }

  body(): { reasonCode: string; message: string } {
    return { reasonCode: this.reasonCode, message: this.message };
  }
}

export const badParam = (message: string) => new ApiError(400, 'InvalidParameterValue', message);
export const notFound = (what: string, id: string) =>
  new ApiError(404, 'ResourceNotFound', `${what} ${id} was not found`);
