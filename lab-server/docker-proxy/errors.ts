/**
 * Errors in the engine's own shape (`{"message": …}`), so the docker CLI prints
 * `Error response from daemon: lab policy: …` exactly where a real daemon's refusal would appear.
 */
export class ProxyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A request the lab refuses on purpose: 403 with the reason a learner can act on. */
export const policy = (why: string) => new ProxyError(403, `lab policy: ${why}`);
export const badRequest = (why: string) => new ProxyError(400, why);
export const notFound = (what: string) => new ProxyError(404, what);
