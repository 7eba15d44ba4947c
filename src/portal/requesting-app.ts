import { Injectable } from '@nestjs/common';
import { homepageUrlProblem } from '../clients/client-rules.js';
import { ClientsService } from '../clients/clients.service.js';

/** The application an OAuth sign-in is for, as the sign-in page names it. */
export interface RequestingApp {
  name: string;
  /** Only a URL that passes the homepage rules (https, or http on loopback): never a `javascript:` link. */
  homepageUrl: string | undefined;
}

/** The href of a client's home page when it is safe to link to, else undefined. */
export function homepageLink(url: string | null | undefined): string | undefined {
  return url && !homepageUrlProblem(url) ? url : undefined;
}

/**
 * Which application is asking, when the sign-in page was reached from the authorization endpoint
 * (`return_to=/oauth2/authorize?...client_id=...`): the active client of that id, else nothing (the
 * authorize endpoint validates the request again after sign-in; this only names it).
 */
@Injectable()
export class RequestingApps {
  constructor(private readonly clients: ClientsService) {}

  async of(returnTo: string): Promise<RequestingApp | undefined> {
    if (!returnTo.startsWith('/oauth2/authorize?')) return undefined;
    const clientId = new URLSearchParams(returnTo.slice('/oauth2/authorize?'.length)).getAll('client_id');
    if (clientId.length !== 1 || clientId[0].length > 200) return undefined;
    const client = await this.clients.findByClientId(clientId[0]);
    if (!client || client.status !== 'active') return undefined;
    return { name: client.name, homepageUrl: homepageLink(client.homepageUrl) };
  }
}
