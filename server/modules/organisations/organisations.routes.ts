/** The organisations module's routes: signing up and review (registration.routes.ts), people and the directory (people.routes.ts). */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type CookieOptions } from 'express';
import type { OrganisationsService } from './organisations.service.ts';
import { peopleRoutes } from './people.routes.ts';
import { registrationRoutes } from './registration.routes.ts';

export function organisationRoutes(
  service: OrganisationsService,
  registry: OpenAPIRegistry,
  /** The session cookie's options: registering and accepting an invitation sign the person in. */
  cookie: CookieOptions,
): Router {
  const router = Router();
  registrationRoutes(router, registry, service, cookie);
  peopleRoutes(router, registry, service, cookie);
  return router;
}
