/** The password rule of sign-up, the account page, password reset and invitations. */
export const MIN_PASSWORD = 12;
/** Longer passwords are refused before hashing, so a 1 MB "password" cannot be used to burn CPU. */
export const MAX_PASSWORD = 256;

/** What is wrong with this new password, or undefined when it may be used. */
export function passwordProblem(password: string | undefined): string | undefined {
  const p = password ?? '';
  return p.length < MIN_PASSWORD || p.length > MAX_PASSWORD ? `The password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long.` : undefined;
}
