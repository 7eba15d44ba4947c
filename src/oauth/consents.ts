// The part of the code flow's store (src/oauth/store/, internal to oauth) that other folders use:
// the consents a signed-in user sees and withdraws in the portal.
export { ConsentsService, type MadeThrough } from './store/consents.service.js';
