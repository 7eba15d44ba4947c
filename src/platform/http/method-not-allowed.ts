import { ProblemCode, ProblemError } from './problem.js';

/** 405 with the Allow header naming the methods the route takes. */
export function methodNotAllowed(allow: string): ProblemError {
  return new ProblemError(ProblemCode.MethodNotAllowed, `This endpoint takes ${allow} only`, undefined, { Allow: allow });
}
