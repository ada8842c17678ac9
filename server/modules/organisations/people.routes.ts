/** Routes of an organisation's people, invitations, and the platform's directory of organisations. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { CookieOptions, Router } from 'express';
import { z } from 'zod';
import { sessionSchema } from '../auth/auth.schemas.ts';
import { idParams, routeDeclarer } from '../../http/route.ts';
import { SESSION_COOKIE } from '../../http/session.ts';
import {
  acceptInvitationSchema,
  financeOfficeSchema,
  invitationSchema,
  inviteSchema,
  memberParams,
  memberPatchSchema,
  organisationListQuery,
  organisationPageSchema,
  organisationSchema,
  peopleQuery,
  peopleSchema,
  personSchema,
  tokenInputSchema,
} from './organisations.schemas.ts';
import type { OrganisationsService } from './organisations.service.ts';

const tag = 'Organisations';

export function peopleRoutes(
  router: Router,
  registry: OpenAPIRegistry,
  service: OrganisationsService,
  cookie: CookieOptions,
): void {
  const route = routeDeclarer(router, registry);
  const { people, directory } = service;

  route({
    method: 'get',
    path: '/organisations',
    summary:
      'Every organisation by kind, status and a search (contacts masked), newest or oldest first or by name, by cursor or numbered pages (offset, limit; with total); platform admins',
    tag,
    access: ['platform_admin'],
    query: organisationListQuery,
    response: organisationPageSchema,
    handler: ({ actor, query }) => directory.list(actor!, query),
  });
  route({
    method: 'get',
    path: '/organisations/:id',
    summary: 'An organisation’s whole record: platform admins and its own administrators',
    tag,
    access: 'signed_in',
    params: idParams,
    response: organisationSchema,
    handler: ({ actor, params }) => directory.get(actor!, params.id),
  });
  route({
    method: 'post',
    path: '/finance-offices',
    summary: 'Set up a finance office (the province’s, a city’s or a county’s); invite its officers next',
    tag,
    access: ['platform_admin'],
    body: financeOfficeSchema,
    response: organisationSchema,
    status: 201,
    handler: ({ actor, body }) => directory.createFinanceOffice(actor!, body),
  });

  route({
    method: 'get',
    path: '/organisations/:id/people',
    summary:
      'An organisation’s people: whole for its administrators and platform admins, e-mails and phones masked ' +
      'for its other members; by status, role and a search (names, and e-mails where shown whole), sorted, ' +
      'everyone or numbered pages (offset, limit) with the total',
    tag,
    access: 'signed_in',
    params: idParams,
    query: peopleQuery,
    response: peopleSchema,
    handler: ({ actor, params, query }) => people.list(actor!, params.id, query),
  });
  route({
    method: 'post',
    path: '/organisations/:id/invitations',
    summary: 'Invite a person by e-mail (a single-use link valid 7 days); again for an invited address resends',
    tag,
    access: 'signed_in',
    params: idParams,
    body: inviteSchema,
    response: personSchema,
    status: 201,
    handler: ({ actor, params, body }) => people.invite(actor!, params.id, body),
  });
  route({
    method: 'patch',
    path: '/organisations/:id/people/:userId',
    summary: 'Set a person’s role (within the organisation’s kind) and administrator flag',
    tag,
    access: 'signed_in',
    params: memberParams,
    body: memberPatchSchema,
    response: personSchema,
    handler: ({ actor, params, body }) => people.update(actor!, params.id, params.userId, body),
  });
  const actions = [
    ['disable', 'Disable a person’s account (their sessions end at once)'],
    ['enable', 'Enable a disabled account again'],
    ['accept', 'Accept a request to join the organisation'],
    ['decline', 'Decline a request to join (the account is disabled)'],
  ] as const;
  for (const [action, summary] of actions) {
    route({
      method: 'post',
      path: `/organisations/:id/people/:userId/${action}`,
      summary,
      tag,
      access: 'signed_in',
      params: memberParams,
      body: z.object({ note: z.string().trim().max(500).optional() }).strict(),
      response: personSchema,
      handler: ({ actor, params, body }) => people.act(actor!, params.id, params.userId, action, body?.note),
    });
  }

  route({
    method: 'post',
    path: '/invitations/preview',
    summary: 'What an invitation link is for (the organisation, the address); the link stays unused',
    tag,
    access: 'public',
    body: tokenInputSchema,
    response: invitationSchema,
    handler: ({ body }) => people.invitation(body.token),
  });
  route({
    method: 'post',
    path: '/invitations/accept',
    summary: 'Accept an invitation by choosing a password; signs the person in',
    tag,
    access: 'public',
    body: acceptInvitationSchema,
    response: sessionSchema,
    handler: async ({ body, req, res }) => {
      const { token, user } = await people.acceptInvitation(body, { client: req.ip, userAgent: req.get('user-agent') });
      res.cookie(SESSION_COOKIE, token, cookie);
      return { user };
    },
  });
}
