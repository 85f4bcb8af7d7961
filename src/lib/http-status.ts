/**
 * The HTTP status an error carries (`status`, or `statusCode` of other libraries), if any. Lets
 * code above the client react to a 404 or a 429 without depending on the client's error class.
 */
export function httpStatusOf(err: unknown): number | undefined {
  if (err && typeof err === 'object') {
    for (const k of ['status', 'statusCode'] as const) {
      const v = (err as Record<string, unknown>)[k];
      if (typeof v === 'number') return v;
    }
  }
  return undefined;
}
